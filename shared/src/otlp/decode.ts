/**
 * OTLP request decoding, protobuf and JSON, into the shapes of `../otlp.ts`. Pure and isomorphic:
 * only Uint8Array and TextDecoder. A malformed body is an error value naming what and where;
 * items that cannot be accepted (e.g. a span whose trace id is not 16 bytes) are counted in
 * `rejected` so the receiver can answer with partial_success.
 */
import type { OtlpLogRecord, OtlpSpan, Problem } from '../otlp.ts';
import { decodeUtf8 } from './bytes.ts';
import { type Json, type JsonContext, JsonShapeError } from './json-values.ts';
import { decodeLogsJson, decodeTracesJson } from './json-decode.ts';
import { decodeLogsRequest } from './protobuf-logs.ts';
import type { Collected } from './protobuf-envelope.ts';
import { decodeTraceRequest } from './protobuf-traces.ts';
import { type Cursor, WireError, createCursor, pathOf } from './wire.ts';

export type Encoding = 'protobuf' | 'json';

export type DecodeResult<T> =
  { ok: true; value: T; rejected: number; problems: Problem[] } | { ok: false; error: string };

export { encodeExportResponse } from './response.ts';

export interface DecodeOptions {
  /**
   * false: protobuf string values come back as '' (still checked, problems the same). The result
   * is then only good for its validity, item count, rejections and problems, at about half the
   * cost: what a receiver that logs the body itself needs. JSON is always decoded whole.
   */
  text?: boolean;
}

export function decodeTraces(
  body: Uint8Array,
  encoding: Encoding,
  options: DecodeOptions = {},
): DecodeResult<OtlpSpan[]> {
  return encoding === 'protobuf'
    ? fromProtobuf(body, decodeTraceRequest, options)
    : fromJson(body, decodeTracesJson);
}

export function decodeLogs(
  body: Uint8Array,
  encoding: Encoding,
  options: DecodeOptions = {},
): DecodeResult<OtlpLogRecord[]> {
  return encoding === 'protobuf'
    ? fromProtobuf(body, decodeLogsRequest, options)
    : fromJson(body, decodeLogsJson);
}

function fromProtobuf<T>(
  body: Uint8Array,
  decode: (c: Cursor) => Collected<T>,
  options: DecodeOptions,
): DecodeResult<T[]> {
  const c = createCursor(body, options.text ?? true);
  try {
    const { items, rejected } = decode(c);
    return { ok: true, value: items, rejected, problems: c.problems };
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    const where = c.path.length > 0 ? ` in ${pathOf(c)}` : '';
    return { ok: false, error: `${e.message} at byte ${Math.min(e.offset, body.length)}${where}` };
  }
}

function fromJson<T>(
  body: Uint8Array,
  decode: (ctx: JsonContext, root: Json) => Collected<T>,
): DecodeResult<T[]> {
  const ctx: JsonContext = { path: [], problems: [] };
  const { text, valid } = decodeUtf8(body, 0, body.length);
  if (!valid)
    ctx.problems.push({
      code: 'invalid_utf8',
      message: 'JSON body is not valid UTF-8 (replaced with U+FFFD)',
    });
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (e) {
    return { ok: false, error: `invalid JSON: ${(e as Error).message}` };
  }
  try {
    const { items, rejected } = decode(ctx, root);
    return { ok: true, value: items, rejected, problems: ctx.problems };
  } catch (e) {
    if (e instanceof JsonShapeError) return { ok: false, error: `malformed OTLP/JSON: ${e.message}` };
    throw e;
  }
}
