/**
 * 64-bit FNV-1a over the UTF-8 bytes of a string, as 16 hex characters. Pure JS (four 16-bit
 * limbs, no BigInt, no node:crypto) so the collector and the browser compute the same value.
 */
const encoder = new TextEncoder();
/** Reused across calls (hashing is synchronous): no allocation per ordinary message. */
const shared = new Uint8Array(256 * 1024);

export function fnv1a64(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; a rare huge text gets its own buffer
  const bytes = text.length * 3 <= shared.length ? shared : new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, bytes);
  // offset basis 0xcbf29ce484222325 as 16-bit limbs, least significant first
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < written; i++) {
    h0 ^= bytes[i] as number;
    // multiply by the FNV prime 0x00000100000001b3 = 2^40 + 0x1b3, modulo 2^64
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    const c1 = t1 + (t0 >>> 16);
    const c2 = t2 + (c1 >>> 16);
    h0 = t0 & 0xffff;
    h1 = c1 & 0xffff;
    h2 = c2 & 0xffff;
    h3 = (t3 + (c2 >>> 16)) & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
