/**
 * Byte sources over real HTTP against hosts that are not the collector: one that fails a request
 * and then recovers, one that ignores Range and answers every request with the whole file, and
 * one that wants its access token on every URL.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { urlSource, WHOLE_FILE_BYTES, type FetchCounter } from '../../src/lib/engine/byte-source.ts';
import { openSource } from '../../src/lib/engine/source.ts';

const big = new Uint8Array(WHOLE_FILE_BYTES * 3).map((_, i) => i % 251);
const small = big.subarray(0, 1000);
const manifest = JSON.stringify({
  schema_version: 2,
  updated_at: '2026-11-27T00:00:00Z',
  files: [
    {
      table: 'spans',
      path: 'spans/date=2026-11-27/hour=00/w-000001.parquet',
      rows: 1,
      bytes: small.byteLength,
      min_time: '2026-11-27T00:00:00Z',
      max_time: '2026-11-27T00:10:00Z',
    },
  ],
});

/** Requests the server saw: path with query, and whether it was answered. */
let seen: { url: string; status: number }[] = [];
/** The next this many requests fail with 503 (a collector restarting, a proxy's hiccup). */
let failNext = 0;
let server: Server;
let origin: string;

function answer(req: IncomingMessage): { status: number; body: Uint8Array; headers: Record<string, string> } {
  const url = new URL(req.url ?? '/', 'http://x');
  const [, mode = '', ...rest] = url.pathname.split('/');
  const file = rest.join('/');
  if (failNext > 0) {
    failNext--;
    return { status: 503, body: new Uint8Array(), headers: {} };
  }
  if (mode === 'token' && url.searchParams.get('sig') !== 'secret')
    return { status: 403, body: new Uint8Array(), headers: {} };
  const body =
    file === 'big.bin'
      ? big
      : file.endsWith('manifest.json')
        ? new TextEncoder().encode(manifest)
        : file.endsWith('.parquet') || file === 'small.bin'
          ? small
          : null;
  if (!body) return { status: 404, body: new Uint8Array(), headers: {} };
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (mode === 'ranges' && range) {
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), body.byteLength - 1);
    return {
      status: 206,
      body: body.subarray(start, end + 1),
      headers: { 'Content-Range': `bytes ${start}-${end}/${body.byteLength}` },
    };
  }
  return { status: 200, body, headers: {} };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const { status, body, headers } = answer(req);
    seen.push({ url: req.url ?? '', status });
    res.writeHead(status, { ...headers, 'Content-Length': String(body.byteLength) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  failNext = 0;
});

const newCounter = (): FetchCounter => ({ bytes: 0, onFetched: () => undefined });
const bytesOf = (b: ArrayBuffer): number[] => Array.from(new Uint8Array(b));

describe('urlSource', () => {
  it('reads a small file again after a failed read, rather than failing forever', async () => {
    const source = urlSource(`${origin}/ranges/small.bin`, small.byteLength, origin, newCounter());
    failNext = 1;
    await expect(source.slice(0, 4)).rejects.toThrow(/503/);
    expect(bytesOf(await source.slice(0, 4))).toEqual([0, 1, 2, 3]);
  });

  it('fetches a large file once from a server that ignores Range, however many slices are read', async () => {
    const counter = newCounter();
    const source = urlSource(`${origin}/norange/big.bin`, big.byteLength, origin, counter);
    const tail = await source.slice(-8);
    expect(bytesOf(tail)).toEqual(Array.from(big.subarray(big.byteLength - 8)));
    const middle = await source.slice(WHOLE_FILE_BYTES, WHOLE_FILE_BYTES + 4);
    expect(bytesOf(middle)).toEqual(Array.from(big.subarray(WHOLE_FILE_BYTES, WHOLE_FILE_BYTES + 4)));
    await source.slice(100, 200);
    expect(seen).toHaveLength(1);
    expect(counter.bytes).toBe(big.byteLength);
  });

  it('still reads only the ranges asked for from a server that honours Range', async () => {
    const counter = newCounter();
    const source = urlSource(`${origin}/ranges/big.bin`, big.byteLength, origin, counter);
    await source.slice(-8);
    await source.slice(0, 4);
    expect(counter.bytes).toBe(12);
  });
});

describe('a snapshot URL with an access token in its query', () => {
  for (const url of [
    'token/snap/?sig=secret',
    'token/snap?sig=secret',
    'token/snap/manifest.json?sig=secret',
  ]) {
    it(`sends the token with the manifest and every file (${url})`, async () => {
      const opened = await openSource({ kind: 'url', url: `${origin}/${url}` }, origin, newCounter());
      const [file] = opened.files;
      if (!file) throw new Error('no file in the manifest');
      const bytes = await opened.byteSource(file.path).slice(0, 4);
      expect(bytesOf(bytes)).toEqual([0, 1, 2, 3]);
      expect(seen.map((s) => s.status)).toEqual([200, 200]);
      expect(seen.every((s) => s.url.endsWith('?sig=secret'))).toBe(true);
    });
  }
});
