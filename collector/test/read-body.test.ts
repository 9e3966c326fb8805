/** The streaming body reader on a real HTTP server: encodings, limits after inflation, stalls. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBodyBudget } from '../src/body-budget.ts';
import { inflateBody, isZlibHeader, readBody, type BodyResult } from '../src/http/read-body.ts';

const LIMIT = 64 * 1024;
/** Room for two bodies at the limit, held from their arrival until they are answered. */
const budget = createBodyBudget(2 * LIMIT);
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const lease = budget.lease();
    void readBody(req, LIMIT, lease, 300).then((received) => {
      const result: BodyResult = received.ok ? inflateBody(received, LIMIT) : received;
      lease.release();
      res.setHeader('Connection', 'close');
      res.end(
        JSON.stringify(
          result.ok
            ? { ok: true, length: result.body.length, head: result.body.subarray(0, 5).toString() }
            : result,
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `parts` one after another; `stallAfter` leaves the request open and unfinished. */
function send(
  parts: Buffer[],
  headers: Record<string, string | number>,
  stallAfter = false,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
    });
    req.on('error', reject);
    for (const part of parts) req.write(part);
    if (!stallAfter) req.end();
  });
}

const text = Buffer.from('hello world '.repeat(100));

describe('readBody', () => {
  it('reads identity, gzip, deflate and br bodies', async () => {
    expect(await send([text], {})).toEqual({ ok: true, length: text.length, head: 'hello' });
    expect(await send([zlib.gzipSync(text)], { 'Content-Encoding': 'gzip' })).toMatchObject({
      ok: true,
      length: text.length,
    });
    expect(await send([zlib.deflateSync(text)], { 'Content-Encoding': 'deflate' })).toMatchObject({
      ok: true,
      length: text.length,
    });
    expect(await send([zlib.brotliCompressSync(text)], { 'Content-Encoding': 'br' })).toMatchObject({
      ok: true,
      length: text.length,
    });
  });

  it('reads deflate sent raw (without the zlib header) as well as zlib-wrapped', async () => {
    const raw = zlib.deflateRawSync(text);
    expect(isZlibHeader(raw)).toBe(false);
    expect(await send([raw], { 'Content-Encoding': 'deflate' })).toEqual({
      ok: true,
      length: text.length,
      head: 'hello',
    });
    // A raw stream whose first block is stored, its bytes chosen to pass the zlib header check.
    const stored = Buffer.concat([
      Buffer.from([0x08, 29, 0, 0xff - 29, 0xff]),
      text.subarray(0, 29),
      zlib.deflateRawSync(text.subarray(29)),
    ]);
    expect(isZlibHeader(stored)).toBe(true);
    expect(await send([stored], { 'Content-Encoding': 'deflate' })).toEqual({
      ok: true,
      length: text.length,
      head: 'hello',
    });
    expect(
      await send([zlib.deflateRawSync(Buffer.alloc(LIMIT + 1))], { 'Content-Encoding': 'deflate' }),
    ).toMatchObject({ ok: false, status: 413 });
    const corrupt = await send([Buffer.from('not deflate either')], { 'Content-Encoding': 'deflate' });
    expect(corrupt).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/^invalid deflate body/),
    });
  });

  it('applies the limit to declared, streamed and inflated sizes', async () => {
    const big = Buffer.alloc(LIMIT + 1);
    expect(await send([big], { 'Content-Length': big.length })).toMatchObject({ ok: false, status: 413 });
    expect(
      await send([big.subarray(0, LIMIT), big.subarray(LIMIT)], { 'Transfer-Encoding': 'chunked' }),
    ).toMatchObject({ ok: false, status: 413 });
    expect(await send([zlib.gzipSync(big)], { 'Content-Encoding': 'gzip' })).toMatchObject({
      ok: false,
      status: 413,
    });
    expect(await send([zlib.gzipSync(Buffer.alloc(LIMIT))], { 'Content-Encoding': 'gzip' })).toMatchObject({
      ok: true,
      length: LIMIT,
    });
  });

  it('rejects corrupt data and unsupported encodings', async () => {
    expect(await send([Buffer.from('not gzip at all')], { 'Content-Encoding': 'gzip' })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await send([text], { 'Content-Encoding': 'gzip, br' })).toMatchObject({ ok: false, status: 415 });
    expect(await send([text], { 'Content-Encoding': 'zstd-ish' })).toMatchObject({ ok: false, status: 415 });
  });

  it('holds received bytes in a shared budget and answers 429 past it, giving them back after', async () => {
    const held = async (bytes: number): Promise<void> => {
      while (budget.held() < bytes) await new Promise((r) => setImmediate(r));
    };
    // A stalled upload holds the length it declared; the rest of the budget still takes a body.
    const stalled = send([text.subarray(0, 10)], { 'Content-Length': LIMIT }, true);
    await held(LIMIT);
    expect(await send([Buffer.alloc(LIMIT)], { 'Content-Length': LIMIT })).toMatchObject({ ok: true });
    const filler = send([text.subarray(0, 10)], { 'Content-Length': LIMIT - 100 }, true);
    await held(2 * LIMIT - 100);
    // 100 bytes left: a declared length over that is refused before its body is read, a chunked
    // body when the chunk that would overflow arrives, and a chunked body that fits is read.
    expect(await send([text], { 'Content-Length': text.length })).toMatchObject({ ok: false, status: 429 });
    expect(await send([text], { 'Transfer-Encoding': 'chunked' })).toMatchObject({ ok: false, status: 429 });
    expect(await send([text.subarray(0, 50)], { 'Transfer-Encoding': 'chunked' })).toMatchObject({
      ok: true,
      length: 50,
    });
    expect(await stalled).toMatchObject({ ok: false, status: 408 });
    expect(await filler).toMatchObject({ ok: false, status: 408 });
    expect(budget.held()).toBe(0);
  });

  it('gives up on a sender that stalls mid-body', async () => {
    const reply = await send([text.subarray(0, 10)], { 'Content-Length': text.length }, true);
    expect(reply).toMatchObject({ ok: false, status: 408 });
  });
});
