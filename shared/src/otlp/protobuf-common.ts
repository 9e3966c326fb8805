/** common.proto and resource.proto messages: AnyValue, KeyValue, InstrumentationScope, Resource. */
import type { AnyValue, Attributes, OtlpScope } from '../otlp.ts';
import { bytesToBase64, bytesToHex } from './bytes.ts';
import {
  type Cursor,
  WIRE_FIXED64,
  WIRE_LEN,
  WireError,
  readDouble,
  readInt64,
  readKey,
  readLengthEnd,
  readBytesEnd,
  readMessageEnd,
  readString,
  expectEnd,
  readVarintField,
  setAttribute,
  skipField,
  wrongWireType,
} from './wire.ts';

const MAX_DEPTH = 64;

function decodeAnyValue(c: Cursor, end: number, field: string, depth: number): AnyValue {
  if (depth > MAX_DEPTH) throw new WireError(`AnyValue nested deeper than ${MAX_DEPTH} in ${field}`, c.pos);
  let value: AnyValue = null;
  while (c.pos < end) {
    const tag = nextTag(c);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        value = readString(c, wt, end, field);
        break;
      case 2:
        value = readVarintField(c, wt, end, field) !== 0;
        break;
      case 3:
        if (wt === 0) value = readInt64(c);
        else if (wt === WIRE_LEN) {
          const packedEnd = readLengthEnd(c, end);
          while (c.pos < packedEnd) value = readInt64(c);
          expectEnd(c, packedEnd, field);
        } else throw wrongWireType(c, field, wt, 0);
        break;
      case 4:
        if (wt !== WIRE_FIXED64) throw wrongWireType(c, field, wt, WIRE_FIXED64);
        value = readDouble(c);
        break;
      case 5:
        value = decodeArrayValue(c, wt, end, field, depth);
        break;
      case 6:
        value = decodeKvList(c, wt, end, field, depth);
        break;
      case 7: {
        if (wt !== WIRE_LEN) throw wrongWireType(c, field, wt, WIRE_LEN);
        const bytesEnd = readLengthEnd(c, end);
        value = bytesToBase64(c.buf, c.pos, bytesEnd);
        c.pos = bytesEnd;
        break;
      }
      default:
        skipField(c, wt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, field);
  return value;
}

/** Reads the next field tag (field number << 3 | wire type). */
export function nextTag(c: Cursor): number {
  const buf = c.buf;
  const pos = c.pos;
  // Most tags are one byte; the general reader handles the rest.
  if (pos < buf.length && buf[pos]! < 0x80) {
    c.pos = pos + 1;
    const tag = buf[pos]!;
    if (tag >>> 3 === 0) throw new WireError('invalid field number 0', pos);
    return tag;
  }
  return readTag(c);
}

function readTag(c: Cursor): number {
  const at = c.pos;
  let result = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (c.pos >= c.buf.length) throw new WireError('truncated protobuf', c.pos);
    const b = c.buf[c.pos++]!;
    result |= (b & 0x7f) << shift;
    if (b < 0x80) {
      if (result >>> 3 === 0) throw new WireError('invalid field number 0', at);
      return result >>> 0;
    }
  }
  throw new WireError('tag varint longer than 5 bytes', at);
}

function decodeArrayValue(c: Cursor, wt: number, limit: number, field: string, depth: number): AnyValue[] {
  if (wt !== WIRE_LEN) throw wrongWireType(c, field, wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const out: AnyValue[] = [];
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    if (tag >>> 3 === 1) {
      if (twt !== WIRE_LEN) throw wrongWireType(c, field, twt, WIRE_LEN);
      const vEnd = readMessageEnd(c, end);
      out.push(decodeAnyValue(c, vEnd, field, depth + 1));
    } else skipField(c, twt, end, tag >>> 3);
  }
  expectEnd(c, end, field);
  return out;
}

function decodeKvList(c: Cursor, wt: number, limit: number, field: string, depth: number): Attributes {
  if (wt !== WIRE_LEN) throw wrongWireType(c, field, wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const out: Attributes = {};
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    if (tag >>> 3 === 1) decodeKeyValue(c, twt, end, out, field, depth + 1);
    else skipField(c, twt, end, tag >>> 3);
  }
  expectEnd(c, end, field);
  return out;
}

/** One KeyValue into `target`; a later duplicate key wins, as with a repeated map entry. */
export function decodeKeyValue(
  c: Cursor,
  wt: number,
  limit: number,
  target: Attributes,
  field: string,
  depth = 0,
): void {
  if (wt !== WIRE_LEN) throw wrongWireType(c, field, wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  let key = '';
  let value: AnyValue = null;
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        key = readKey(c, twt, end, field);
        break;
      case 2: {
        if (twt !== WIRE_LEN) throw wrongWireType(c, `${field}.${key}`, twt, WIRE_LEN);
        const vEnd = readMessageEnd(c, end);
        value = decodeAnyValue(c, vEnd, key === '' ? field : key, depth);
        break;
      }
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, field);
  if (c.text) setAttribute(target, key, value);
}

export function decodeResource(c: Cursor, wt: number, limit: number): Attributes {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'resource', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const attrs: Attributes = {};
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    if (tag >>> 3 === 1) decodeKeyValue(c, twt, end, attrs, 'resource.attributes');
    else skipField(c, twt, end, tag >>> 3);
  }
  expectEnd(c, end, 'resource');
  return attrs;
}

export function decodeScope(c: Cursor, wt: number, limit: number): OtlpScope {
  if (wt !== WIRE_LEN) throw wrongWireType(c, 'scope', wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  const scope: OtlpScope = { name: '', version: '' };
  while (c.pos < end) {
    const tag = nextTag(c);
    const twt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        scope.name = readString(c, twt, end, 'scope.name');
        break;
      case 2:
        scope.version = readString(c, twt, end, 'scope.version');
        break;
      default:
        skipField(c, twt, end, tag >>> 3);
    }
  }
  expectEnd(c, end, 'scope');
  return scope;
}

/** A length-delimited AnyValue field such as LogRecord.body. */
export function decodeAnyValueField(c: Cursor, wt: number, limit: number, field: string): AnyValue {
  if (wt !== WIRE_LEN) throw wrongWireType(c, field, wt, WIRE_LEN);
  const end = readMessageEnd(c, limit);
  return decodeAnyValue(c, end, field, 0);
}

/** A well-formed id read without building values (see Cursor.text). */
export const ID_UNBUILT = '-';

/**
 * An id of all zero bytes is invalid in OTel (no trace, no span): it reads as absent. Log
 * records outside a span often carry one; spans that share it would be taken for one span.
 */
function allZero(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Hex of a trace or span id: '' when empty or all zeros, null when its length is not `size`. */
export function readId(c: Cursor, wt: number, end: number, field: string, size: number): string | null {
  const idEnd = readBytesEnd(c, wt, end, field);
  const start = c.pos;
  c.pos = idEnd;
  if (idEnd === start) return '';
  if (idEnd - start !== size) return null;
  if (allZero(c.buf, start, idEnd)) return '';
  return c.text ? bytesToHex(c.buf, start, idEnd) : ID_UNBUILT;
}
