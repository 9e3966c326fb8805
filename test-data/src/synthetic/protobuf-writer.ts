/**
 * A growable protobuf writer. Nested messages reserve one length byte and shift their body when
 * the length needs more (rare for small messages, once per large one), so nothing is sized twice.
 */
const TWO_32 = 4294967296;

export interface Writer {
  buf: Uint8Array;
  view: DataView;
  pos: number;
}

const encoder = new TextEncoder();

export function createWriter(capacity = 1 << 16): Writer {
  const buf = new Uint8Array(capacity);
  return { buf, view: new DataView(buf.buffer), pos: 0 };
}

export function ensure(w: Writer, extra: number): void {
  const need = w.pos + extra;
  if (need <= w.buf.length) return;
  let size = w.buf.length * 2;
  while (size < need) size *= 2;
  const buf = new Uint8Array(size);
  buf.set(w.buf.subarray(0, w.pos));
  w.buf = buf;
  w.view = new DataView(buf.buffer);
}

export function finish(w: Writer): Uint8Array {
  return w.buf.slice(0, w.pos);
}

/** Unsigned varint of a non-negative safe integer. */
export function varint(w: Writer, value: number): void {
  ensure(w, 10);
  const buf = w.buf;
  let v = value;
  while (v >= 0x80) {
    buf[w.pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[w.pos++] = v;
}

export function tag(w: Writer, field: number, wireType: number): void {
  const t = (field << 3) | wireType;
  if (t < 0x80) {
    ensure(w, 1);
    w.buf[w.pos++] = t;
  } else varint(w, t);
}

/** int64 varint of a safe integer, negative ones as 10-byte two's complement. */
export function int64(w: Writer, value: number): void {
  if (value >= 0) {
    varint(w, value);
    return;
  }
  ensure(w, 10);
  let hi = Math.floor(value / TWO_32) >>> 0;
  let lo = (value - Math.floor(value / TWO_32) * TWO_32) >>> 0;
  for (let i = 0; i < 9; i++) {
    w.buf[w.pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  w.buf[w.pos++] = lo & 1;
}

export function double(w: Writer, value: number): void {
  ensure(w, 8);
  w.view.setFloat64(w.pos, value, true);
  w.pos += 8;
}

/** Microseconds since epoch as fixed64 nanoseconds, exactly. */
export function fixed64Micros(w: Writer, us: number): void {
  ensure(w, 8);
  const usHi = Math.floor(us / TWO_32);
  const lowNs = (us - usHi * TWO_32) * 1000;
  const carry = Math.floor(lowNs / TWO_32);
  w.view.setUint32(w.pos, lowNs - carry * TWO_32, true);
  w.view.setUint32(w.pos + 4, usHi * 1000 + carry, true);
  w.pos += 8;
}

export function fixed32(w: Writer, value: number): void {
  ensure(w, 4);
  w.view.setUint32(w.pos, value >>> 0, true);
  w.pos += 4;
}

/** Starts a length-delimited field; returns the position of its length byte. */
export function begin(w: Writer, field: number): number {
  tag(w, field, 2);
  ensure(w, 1);
  return w.pos++;
}

export function end(w: Writer, at: number): void {
  const length = w.pos - at - 1;
  if (length < 0x80) {
    w.buf[at] = length;
    return;
  }
  let size = 1;
  for (let v = length; v >= 0x80; v = Math.floor(v / 128)) size++;
  ensure(w, size - 1);
  w.buf.copyWithin(at + size, at + 1, w.pos);
  w.pos += size - 1;
  let v = length;
  let p = at;
  while (v >= 0x80) {
    w.buf[p++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  w.buf[p] = v;
}

export function string(w: Writer, field: number, s: string): void {
  tag(w, field, 2);
  const n = s.length;
  if (n < 0x80) {
    // Short strings: try ASCII straight into the buffer, one length byte.
    ensure(w, n + 1);
    const buf = w.buf;
    const at = w.pos;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + 1 + i] = c;
    }
    if (i === n) {
      buf[at] = n;
      w.pos = at + 1 + n;
      return;
    }
  }
  // UTF-8 is at most 3 bytes per UTF-16 unit; reserve a length byte and fix it up afterwards.
  ensure(w, n * 3 + 1);
  const at = w.pos++;
  const { written } = encoder.encodeInto(s, w.buf.subarray(w.pos));
  w.pos += written;
  end(w, at);
}

export function bytes(w: Writer, field: number, data: Uint8Array): void {
  tag(w, field, 2);
  varint(w, data.length);
  ensure(w, data.length);
  w.buf.set(data, w.pos);
  w.pos += data.length;
}
