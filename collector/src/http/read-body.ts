/**
 * Reads a request body, decompressing as it streams and counting decompressed bytes, so the size
 * limit holds for what we would actually hold in memory: a gzip bomb is cut off at the limit.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

export type BodyResult =
  { ok: true; body: Buffer } | { ok: false; status: 400 | 408 | 413 | 415; message: string };

/** A sender that stops sending mid-body loses its slot after this long without a byte. */
const IDLE_TIMEOUT_MS = 10_000;

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
  const declared = Number(req.headers['content-length']);
  if (coding === undefined && Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve(tooLarge(maxBytes));
  }
  let source: Readable = req;
  let decompressor: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
  if (coding !== undefined) {
    decompressor = createDecompressor(coding);
    if (decompressor === undefined)
      return Promise.resolve({
        ok: false,
        status: 415,
        message: `unsupported Content-Encoding: ${coding} (use gzip, deflate, br or identity)`,
      });
    source = req.pipe(decompressor);
  }

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let compressed = 0;
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
        // Stop inflating, discard the rest of the upload; memory stays at what we have read.
        if (decompressor !== undefined) {
          req.unpipe(decompressor);
          decompressor.destroy();
        }
        chunks.length = 0;
        req.resume();
      }
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      idle.refresh();
      compressed += chunk.length;
      if (decompressor !== undefined && compressed > maxBytes) finish(tooLarge(maxBytes));
    });
    source.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) return finish(tooLarge(maxBytes));
      chunks.push(chunk);
    });
    source.on('end', () =>
      finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total) }),
    );
    source.on('error', (error: Error) => {
      const what = coding === undefined ? 'could not read the request body' : `invalid ${coding} body`;
      finish({ ok: false, status: 400, message: `${what}: ${error.message}` });
    });
    req.on('close', () => {
      if (!req.complete) finish({ ok: false, status: 400, message: 'request aborted' });
    });
  });
}

function createDecompressor(coding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

function tooLarge(maxBytes: number): BodyResult {
  return {
    ok: false,
    status: 413,
    message: `request body exceeds the limit of ${maxBytes} bytes (after decompression)`,
  };
}
