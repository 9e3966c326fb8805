/**
 * Reads a request body with a size limit on what would be held in memory: the bytes received,
 * and a compressed body once inflated (a gzip bomb stops at the limit). A compressed body is
 * inflated in one synchronous step once it has all arrived, on the thread that decodes it next:
 * the streaming inflater ran on libuv's pool, which runs below ingest's priority beside DuckDB
 * (thread-priority.ts), and gzip requests waited behind it (bench-collector probe, 21k spans/s of
 * gzip bodies: ack p99 108–153 ms streamed, 49–83 ms inflated here).
 */
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';

export type BodyResult =
  { ok: true; body: Buffer } | { ok: false; status: 400 | 408 | 413 | 415; message: string };

/** A sender that stops sending mid-body loses its slot after this long without a byte. */
const IDLE_TIMEOUT_MS = 10_000;

type Inflate = (data: Buffer, options: { maxOutputLength: number }) => Buffer;

function inflaterFor(coding: string): Inflate | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync;
    case 'deflate':
      return zlib.inflateSync;
    case 'br':
      return zlib.brotliDecompressSync;
    default:
      return undefined;
  }
}

export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  idleTimeoutMs = IDLE_TIMEOUT_MS,
): Promise<BodyResult> {
  const codings = (req.headers['content-encoding'] ?? 'identity')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length > 1)
    return Promise.resolve({ ok: false, status: 415, message: 'only one Content-Encoding is supported' });
  const coding = codings[0];
  const inflate = coding === undefined ? undefined : inflaterFor(coding);
  if (coding !== undefined && inflate === undefined)
    return Promise.resolve({
      ok: false,
      status: 415,
      message: `unsupported Content-Encoding: ${coding} (use gzip, deflate, br or identity)`,
    });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(tooLarge(maxBytes));

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const idle = setTimeout(
      () => finish({ ok: false, status: 408, message: `no request data for ${idleTimeoutMs / 1000} s` }),
      idleTimeoutMs,
    );
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      if (!result.ok) {
        // Discard the rest of the upload; memory stays at what was read.
        chunks.length = 0;
        req.resume();
      }
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      idle.refresh();
      received += chunk.length;
      if (received > maxBytes) return finish(tooLarge(maxBytes));
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
      if (inflate === undefined) return finish({ ok: true, body: raw });
      try {
        finish({ ok: true, body: inflate(raw, { maxOutputLength: maxBytes }) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
          return finish(tooLarge(maxBytes));
        finish({ ok: false, status: 400, message: `invalid ${coding} body: ${(error as Error).message}` });
      }
    });
    req.on('error', (error: Error) =>
      finish({ ok: false, status: 400, message: `could not read the request body: ${error.message}` }),
    );
    req.on('close', () => {
      if (!req.complete) finish({ ok: false, status: 400, message: 'request aborted' });
    });
  });
}

function tooLarge(maxBytes: number): BodyResult {
  return {
    ok: false,
    status: 413,
    message: `request body exceeds the limit of ${maxBytes} bytes (after decompression)`,
  };
}
