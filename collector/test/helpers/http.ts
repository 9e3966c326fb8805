/** Small HTTP helpers over fetch, and temp dirs. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function tempDir(prefix = 'parley-collector-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface HttpReply {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
}

export async function post(
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<HttpReply> {
  const response = await fetch(url, { method: 'POST', body, headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body: bytes, text: bytes.toString('utf8') };
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<HttpReply> {
  const response = await fetch(url, { method, headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body: bytes, text: bytes.toString('utf8') };
}
