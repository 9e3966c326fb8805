/**
 * 64-bit FNV-1a over the UTF-8 bytes of a string, as 16 hex characters. Pure JS (four 16-bit
 * limbs, no BigInt, no node:crypto) so the collector and the browser compute the same value.
 */
const encoder = new TextEncoder();
/** Reused across calls (hashing is synchronous): no allocation per ordinary message. */
const shared = new Uint8Array(256 * 1024);
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** FNV-1a state as four 16-bit limbs, least significant first. */
type State = [number, number, number, number];

function offsetBasis(): State {
  // 0xcbf29ce484222325
  return [0x2325, 0x8422, 0x9ce4, 0xcbf2];
}

function update(state: State, text: string): void {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; a rare huge text gets its own buffer
  const bytes = text.length * 3 <= shared.length ? shared : new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, bytes);
  let h0 = state[0];
  let h1 = state[1];
  let h2 = state[2];
  let h3 = state[3];
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
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
}

function hex(state: State): string {
  let out = '';
  for (let i = 3; i >= 0; i--) {
    const limb = state[i] as number;
    out += (HEX_BYTES[limb >>> 8] as string) + (HEX_BYTES[limb & 0xff] as string);
  }
  return out;
}

export function fnv1a64(text: string): string {
  const state = offsetBasis();
  update(state, text);
  return hex(state);
}

/**
 * fnv1a64 of the concatenation of `texts`, without building it: FNV-1a reads bytes one at a
 * time, and UTF-8 of a concatenation is the concatenation of the UTF-8 of its parts as long as no
 * surrogate pair is split between two texts (callers join texts with a separator, never halves).
 */
export function fnv1a64Concat(...texts: readonly string[]): string {
  const state = offsetBasis();
  for (const text of texts) update(state, text);
  return hex(state);
}
