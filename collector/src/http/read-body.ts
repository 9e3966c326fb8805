/**
 * Reads a request body with a size limit on what would be held in memory: the bytes received
 * (counted against the receivers' shared budget, body-budget.ts), and a compressed body once
 * inflated (a gzip bomb stops at the limit). A compressed body is inflated in one synchronous
 * step, once it has all arrived and has an export slot, on the thread that decodes it next: the
 * streaming inflater ran on libuv's pool, which runs below ingest's priority beside DuckDB
 * (thread-priority.ts), and gzip requests waited behind it (bench-collector probe, 21k spans/s of
 * gzip bodies: ack p99 108–153 ms streamed, 49–83 ms inflated here).
 */
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import type { BodyLease } from '../body-budget.ts';

export type BodyFailure = { ok: false; status: 400 | 408 | 413 | 415 | 429; message: string };
export type BodyResult = { ok: true; body: Buffer } | BodyFailure;
/** The body as sent, and its Content-Encoding (checked: `identity` or one inflateBody knows). */
export type ReceivedBody = { ok: true; raw: Buffer; coding: string } | BodyFailure;

/** A sender that stops sending mid-body is answered 408 after this long without a byte. */
const IDLE_TIMEOUT_MS = 10_000;

type Inflate = (data: Buffer, options: { maxOutputLength: number }) => Buffer;

function inflaterFor(coding: string): Inflate | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync;
    case 'deflate':
      return inflateDeflate;
    case 'br':
      return zlib.brotliDecompressSync;
    default:
      return undefined;
  }
}

/**
 * HTTP's deflate is zlib-wrapped (RFC 9110), but some clients send raw deflate under that name;
 * the two-byte zlib header tells them apart (compression method 8, header a multiple of 31).
 */
export function isZlibHeader(data: Uint8Array): boolean {
  const b0 = data[0];
  const b1 = data[1];
  return b0 !== undefined && b1 !== undefined && (b0 & 0x0f) === 8 && (b0 * 256 + b1) % 31 === 0;
}

function inflateDeflate(data: Buffer, options: { maxOutputLength: number }): Buffer {
  if (!isZlibHeader(data)) return zlib.inflateRawSync(data, options);
  try {
    return zlib.inflateSync(data, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw error;
    // A raw stream can begin with bytes that pass the header check (a stored block): read it
    // as raw before calling the body corrupt, and name the zlib error if that fails too.
    try {
      return zlib.inflateRawSync(data, options);
    } catch {
      throw error;
    }
  }
}

export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  lease: BodyLease,
  idleTimeoutMs = IDLE_TIMEOUT_MS,
): Promise<ReceivedBody> {
  const codings = (req.headers['content-encoding'] ?? 'identity')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length > 1)
    return Promise.resolve({ ok: false, status: 415, message: 'only one Content-Encoding is supported' });
  const coding = codings[0] ?? 'identity';
  if (coding !== 'identity' && inflaterFor(coding) === undefined)
    return Promise.resolve({
      ok: false,
      status: 415,
      message: `unsupported Content-Encoding: ${coding} (use gzip, deflate, br or identity)`,
    });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(tooLarge(maxBytes));
  let taken = Number.isFinite(declared) ? declared : 0;
  if (!lease.take(taken)) return Promise.resolve(busy());

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const idle = setTimeout(
      () => finish({ ok: false, status: 408, message: `no request data for ${idleTimeoutMs / 1000} s` }),
      idleTimeoutMs,
    );
    const finish = (result: ReceivedBody): void => {
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
      if (received > taken) {
        if (!lease.take(received - taken)) return finish(busy());
        taken = received;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
      finish({ ok: true, raw, coding });
    });
    req.on('error', (error: Error) =>
      finish({ ok: false, status: 400, message: `could not read the request body: ${error.message}` }),
    );
    req.on('close', () => {
      if (!req.complete) finish({ ok: false, status: 400, message: 'request aborted' });
    });
  });
}

/** The body a request sent, inflated (at most `maxBytes`) when it was compressed. */
export function inflateBody(received: ReceivedBody & { ok: true }, maxBytes: number): BodyResult {
  const inflate = inflaterFor(received.coding);
  if (inflate === undefined) return { ok: true, body: received.raw };
  try {
    return { ok: true, body: inflate(received.raw, { maxOutputLength: maxBytes }) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(maxBytes);
    return {
      ok: false,
      status: 400,
      message: `invalid ${received.coding} body: ${(error as Error).message}`,
    };
  }
}

function busy(): BodyFailure {
  return { ok: false, status: 429, message: 'too many request bytes being received, retry later' };
}

function tooLarge(maxBytes: number): BodyFailure {
  return {
    ok: false,
    status: 413,
    message: `request body exceeds the limit of ${maxBytes} bytes (after decompression)`,
  };
}
