/** Byte <-> text helpers for OTLP ids, bytes values and strings, without Node's Buffer. */

/** The two ASCII codes of each byte's hex, at 2 × byte. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const hex = i.toString(16).padStart(2, '0');
  HEX_CODES[2 * i] = hex.charCodeAt(0);
  HEX_CODES[2 * i + 1] = hex.charCodeAt(1);
}
// Hex digits are ASCII, which every single-byte decoder reads the same.
const ASCII = new TextDecoder('latin1');
let hexScratch = new Uint8Array(64);

/**
 * Built as one flat string: joining two-character pieces with `+=` gave a tree of ~30 string
 * nodes per id, which V8 keeps until something flattens it; ids held by the collector's
 * recent-span memory took 960 bytes per span instead of 540 (measured, 200,000 spans).
 */
export function bytesToHex(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (hexScratch.length < 2 * n) hexScratch = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const b = buf[start + i]!;
    hexScratch[2 * i] = HEX_CODES[2 * b]!;
    hexScratch[2 * i + 1] = HEX_CODES[2 * b + 1]!;
  }
  return ASCII.decode(hexScratch.subarray(0, 2 * n));
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Parses hex into bytes; null when not hex or of odd length. */
export function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !HEX_RE.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;
B64_INDEX['-'.charCodeAt(0)] = 62;
B64_INDEX['_'.charCodeAt(0)] = 63;

export function bytesToBase64(buf: Uint8Array, start = 0, end = buf.length): string {
  let out = '';
  let i = start;
  for (; i + 2 < end; i += 3) {
    const n = (buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + B64[n & 63]!;
  }
  const rest = end - i;
  if (rest === 1) {
    const n = buf[i]! << 16;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (buf[i]! << 16) | (buf[i + 1]! << 8);
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + '=';
  }
  return out;
}

/** Decodes standard or URL-safe base64 (padding optional); null when not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** UTF-8 to string; `valid` is false when replacement characters had to be substituted. */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): { text: string; valid: boolean } {
  try {
    return { text: strict.decode(buf.subarray(start, end)), valid: true };
  } catch {
    return { text: lenient.decode(buf.subarray(start, end)), valid: false };
  }
}

/**
 * Whether the bytes are well-formed UTF-8, exactly as a fatal TextDecoder judges them (no
 * overlong forms, surrogates or code points past U+10FFFF), without building the string: the
 * ack path only checks values it does not keep, and decoding a body's prompts only to drop them
 * was a tenth of its CPU (bench-collector profile, 2026-11-26).
 */
export function isUtf8(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
    } else if (b >= 0xc2 && b <= 0xdf) {
      if (i + 1 >= end || (buf[i + 1]! & 0xc0) !== 0x80) return false;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (i + 2 >= end) return false;
      const b1 = buf[i + 1]!;
      if (b1 < (b === 0xe0 ? 0xa0 : 0x80) || b1 > (b === 0xed ? 0x9f : 0xbf)) return false;
      if ((buf[i + 2]! & 0xc0) !== 0x80) return false;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (i + 3 >= end) return false;
      const b1 = buf[i + 1]!;
      if (b1 < (b === 0xf0 ? 0x90 : 0x80) || b1 > (b === 0xf4 ? 0x8f : 0xbf)) return false;
      if ((buf[i + 2]! & 0xc0) !== 0x80 || (buf[i + 3]! & 0xc0) !== 0x80) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}
