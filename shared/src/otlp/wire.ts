/**
 * Protobuf wire-format reading for the OTLP decoders. A malformed body throws `WireError`
 * (caught at the decode boundary and turned into a result); nothing here allocates per field
 * beyond the values it returns.
 */
import type { AnyValue, Problem } from '../otlp.ts';
import { decodeUtf8, isUtf8 } from './bytes.ts';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const MAX_PROBLEMS = 100;
const TWO_32 = 4294967296;

export class WireError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

export interface Cursor {
  buf: Uint8Array;
  view: DataView;
  pos: number;
  /** Where in the message tree we are, as (name, index) pairs; see pathOf. */
  path: (string | number)[];
  problems: Problem[];
  /**
   * Whether values are built: strings (names, attribute values, messages), ids as hex, attribute
   * maps. Without, everything is checked (problems are reported the same) but strings read as '',
   * ids as ID_UNBUILT and attribute maps stay empty: for a receiver that only needs the request's
   * validity, counts and problems, since it logs the body itself. Building them was most of the
   * receiver's garbage (bench-collector profile, 2026-11-26).
   */
  text: boolean;
}

export function createCursor(buf: Uint8Array, text = true): Cursor {
  return {
    buf,
    view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
    pos: 0,
    path: [],
    problems: [],
    text,
  };
}

export function addProblem(c: { problems: Problem[] }, problem: Problem): void {
  if (c.problems.length < MAX_PROBLEMS) c.problems.push(problem);
}

function truncated(at: number): WireError {
  return new WireError('truncated protobuf', at);
}

/** Unsigned varint, low 32 bits (tags, lengths, enums); longer encodings are consumed. */
export function readVarint32(c: Cursor): number {
  const buf = c.buf;
  const len = buf.length;
  let pos = c.pos;
  let result = 0;
  for (let shift = 0; shift < 70; shift += 7) {
    if (pos >= len) throw truncated(pos);
    const b = buf[pos++]!;
    if (shift < 32) result |= (b & 0x7f) << shift;
    if (b < 0x80) {
      c.pos = pos;
      return result >>> 0;
    }
  }
  throw new WireError('varint longer than 10 bytes', c.pos);
}

/** int64 varint: a number when it is a safe integer, otherwise its exact decimal string. */
export function readInt64(c: Cursor): number | string {
  const buf = c.buf;
  const len = buf.length;
  let pos = c.pos;
  let lo = 0;
  let hi = 0;
  let done = false;
  for (let i = 0; i < 10; i++) {
    if (pos >= len) throw truncated(pos);
    const b = buf[pos++]!;
    const bits = b & 0x7f;
    if (i < 4) lo |= bits << (i * 7);
    else if (i === 4) {
      lo |= bits << 28;
      hi |= bits >>> 4;
    } else hi |= bits << (i * 7 - 32);
    if (b < 0x80) {
      done = true;
      break;
    }
  }
  if (!done) throw new WireError('varint longer than 10 bytes', c.pos);
  c.pos = pos;
  lo >>>= 0;
  hi >>>= 0;
  const approx = hi >= 0x80000000 ? (hi - TWO_32) * TWO_32 + lo : hi * TWO_32 + lo;
  if (Number.isSafeInteger(approx)) return approx;
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

export function readLengthEnd(c: Cursor, limit: number): number {
  const n = readVarint32(c);
  const end = c.pos + n;
  if (end > c.buf.length) {
    throw new WireError(`truncated protobuf: a ${n}-byte field runs past the end of the body`, c.pos);
  }
  if (end > limit) throw new WireError(`a ${n}-byte field overruns its enclosing message`, c.pos);
  return end;
}

/**
 * The end of an embedded message. A message cut off by the end of the body is still entered, so
 * the error names the innermost message that is incomplete (every read checks the body's end);
 * a message longer than its complete parent is an error right here.
 */
export function readMessageEnd(c: Cursor, limit: number): number {
  const n = readVarint32(c);
  const end = c.pos + n;
  if (end > limit && limit < c.buf.length) {
    throw new WireError(`a ${n}-byte message overruns its enclosing message`, c.pos);
  }
  return end;
}

/** fixed64 nanoseconds since epoch -> microseconds, exactly (no float rounding of the ns value). */
export function readFixed64Micros(c: Cursor): number {
  const pos = c.pos;
  if (pos + 8 > c.buf.length) throw truncated(c.buf.length);
  const lo = c.view.getUint32(pos, true);
  const hi = c.view.getUint32(pos + 4, true);
  c.pos = pos + 8;
  // hi * 2^32 + lo = hi * 4294967 * 1000 + hi * 296 + lo
  return hi * 4294967 + Math.floor((hi * 296 + lo) / 1000);
}

export function readDouble(c: Cursor): number {
  const pos = c.pos;
  if (pos + 8 > c.buf.length) throw truncated(c.buf.length);
  c.pos = pos + 8;
  return c.view.getFloat64(pos, true);
}

export function skipField(c: Cursor, wireType: number, limit: number, field: number): void {
  switch (wireType) {
    case WIRE_VARINT:
      readVarint32(c);
      return;
    case WIRE_FIXED64:
      c.pos += 8;
      break;
    case WIRE_LEN:
      c.pos = readLengthEnd(c, limit);
      return;
    case 3:
      skipGroup(c, limit, field);
      return;
    case WIRE_FIXED32:
      c.pos += 4;
      break;
    default:
      throw new WireError(`invalid wire type ${wireType} for field ${field}`, c.pos);
  }
  if (c.pos > c.buf.length) throw truncated(c.buf.length);
  if (c.pos > limit) throw new WireError(`field ${field} overruns its enclosing message`, limit);
}

function skipGroup(c: Cursor, limit: number, field: number): void {
  while (c.pos < limit) {
    const tag = readVarint32(c);
    const wt = tag & 7;
    if (wt === 4) {
      if (tag >>> 3 !== field) throw new WireError(`mismatched end group for field ${field}`, c.pos);
      return;
    }
    skipField(c, wt, limit, tag >>> 3);
  }
  throw truncated(limit);
}

export function wrongWireType(c: Cursor, field: string, wireType: number, expected: number): WireError {
  return new WireError(`field ${field} has wire type ${wireType}, expected ${expected}`, c.pos);
}

/** Reads a varint scalar that a writer may also have sent packed (last value wins, as in proto). */
export function readVarintField(c: Cursor, wireType: number, limit: number, field: string): number {
  if (wireType === WIRE_VARINT) return readVarint32(c);
  if (wireType !== WIRE_LEN) throw wrongWireType(c, field, wireType, WIRE_VARINT);
  const end = readLengthEnd(c, limit);
  let value = 0;
  while (c.pos < end) value = readVarint32(c);
  expectEnd(c, end, field);
  return value;
}

/** fixed64 time scalar, possibly packed. */
export function readTimeField(c: Cursor, wireType: number, limit: number, field: string): number {
  if (wireType === WIRE_FIXED64) return readFixed64Micros(c);
  if (wireType !== WIRE_LEN) throw wrongWireType(c, field, wireType, WIRE_FIXED64);
  const end = readLengthEnd(c, limit);
  if ((end - c.pos) % 8 !== 0)
    throw new WireError(`packed field ${field} length is not a multiple of 8`, c.pos);
  let value = 0;
  while (c.pos < end) value = readFixed64Micros(c);
  return value;
}

export function skipFixed32Field(c: Cursor, wireType: number, limit: number, field: string): void {
  if (wireType === WIRE_FIXED32) {
    if (c.pos + 4 > c.buf.length) throw truncated(c.buf.length);
    if (c.pos + 4 > limit) throw new WireError(`field ${field} overruns its enclosing message`, limit);
    c.pos += 4;
  } else if (wireType === WIRE_LEN) {
    c.pos = readLengthEnd(c, limit);
  } else throw wrongWireType(c, field, wireType, WIRE_FIXED32);
}

const SHORT_STRING = 48;
const CACHE_LIMIT = 8192;
/**
 * Attribute keys repeat on every span: the cache hands back one string instance per distinct key,
 * which saves the allocation and lets property stores use an already-internalized key. It is a
 * memo only (results are identical with or without it) and is cleared when full.
 */
const shortStrings = new Map<number, string>();

function shortAscii(buf: Uint8Array, start: number, end: number): string | null {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80) return null;
    h = Math.imul(h ^ b, 0x01000193);
  }
  h = (h ^ (end - start)) >>> 0;
  const hit = shortStrings.get(h);
  if (hit !== undefined && hit.length === end - start) {
    let same = true;
    for (let i = 0; i < hit.length; i++) {
      if (hit.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  if (shortStrings.size >= CACHE_LIMIT) shortStrings.clear();
  shortStrings.set(h, s);
  return s;
}

/** An attribute key: like readString, through the key cache. */
export function readKey(c: Cursor, wireType: number, limit: number, field: string): string {
  if (wireType === WIRE_LEN && c.pos < c.buf.length) {
    const n = c.buf[c.pos]!;
    const start = c.pos + 1;
    if (n <= SHORT_STRING && start + n <= limit) {
      const cached = shortAscii(c.buf, start, start + n);
      if (cached !== null) {
        c.pos = start + n;
        return cached;
      }
    }
  }
  // Keys name fields in errors and problems: built even when string values are not.
  return readText(c, wireType, limit, field, true);
}

export function readString(c: Cursor, wireType: number, limit: number, field: string): string {
  return readText(c, wireType, limit, field, c.text);
}

function readText(c: Cursor, wireType: number, limit: number, field: string, build: boolean): string {
  if (wireType !== WIRE_LEN) throw wrongWireType(c, field, wireType, WIRE_LEN);
  const end = readLengthEnd(c, limit);
  const start = c.pos;
  c.pos = end;
  const buf = c.buf;
  if (!build) {
    let i = start;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end || isUtf8(buf, i, end)) return '';
  } else if (end - start <= SHORT_STRING) {
    let s = '';
    let i = start;
    for (; i < end; i++) {
      const b = buf[i]!;
      if (b >= 0x80) break;
      s += String.fromCharCode(b);
    }
    if (i === end) return s;
  }
  const { text, valid } = decodeUtf8(buf, start, end);
  if (!valid) {
    addProblem(c, {
      code: 'invalid_utf8',
      field,
      message: `invalid UTF-8 in ${field} at byte ${start} (replaced with U+FFFD)`,
    });
  }
  return build ? text : '';
}

/** Length-delimited bytes: returns their end; they start at c.pos. */
export function readBytesEnd(c: Cursor, wireType: number, limit: number, field: string): number {
  if (wireType !== WIRE_LEN) throw wrongWireType(c, field, wireType, WIRE_LEN);
  const end = readLengthEnd(c, limit);
  return end;
}

/** Sets an attribute without letting a key like `__proto__` touch the object's prototype. */
export function setAttribute(target: Record<string, AnyValue>, key: string, value: AnyValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}

/** A varint or fixed field ran past the end of its enclosing message. */
export function expectEnd(c: Cursor, end: number, what: string): void {
  if (c.pos !== end) throw new WireError(`${what} overruns its enclosing message`, end);
}

/** Enters a repeated message (e.g. spans[3]); kept as pairs so no string is built unless needed. */
export function enter(c: Cursor, name: string, index: number): void {
  c.path.push(name, index);
}

export function leave(c: Cursor): void {
  c.path.length -= 2;
}

/** The current position for messages, e.g. `resource_spans[0].scope_spans[1].spans[7]`. */
export function pathOf(c: Cursor): string {
  const parts: string[] = [];
  for (let i = 0; i < c.path.length; i += 2) parts.push(`${c.path[i]}[${c.path[i + 1]}]`);
  return parts.join('.');
}
