import { describe, expect, it } from 'vitest';
import { isUtf8 } from '../../src/otlp/bytes.ts';

const fatal = new TextDecoder('utf-8', { fatal: true });

function decoderSays(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('isUtf8', () => {
  it('agrees with a fatal TextDecoder on the edges of every sequence length', () => {
    const cases = [
      [],
      [0x41],
      [0x7f],
      [0x80],
      [0xbf],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xc2, 0x80],
      [0xdf, 0xbf],
      [0xc2],
      [0xc2, 0x41],
      [0xe0, 0x9f, 0x80],
      [0xe0, 0xa0, 0x80],
      [0xed, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xef, 0xbf, 0xbf],
      [0xe1, 0x80],
      [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf0, 0x90, 0x80, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xff],
      [0xf0, 0x90, 0x80],
      [0x41, 0xe2, 0x82, 0xac, 0x42],
    ];
    for (const bytes of cases) {
      const b = Uint8Array.from(bytes);
      expect([bytes, isUtf8(b, 0, b.length)]).toEqual([bytes, decoderSays(b)]);
    }
  });

  it('agrees with a fatal TextDecoder on random bytes and on random text cut anywhere', () => {
    const next = random(7);
    const encoder = new TextEncoder();
    for (let n = 0; n < 5000; n++) {
      const bytes =
        n % 2 === 0
          ? Uint8Array.from({ length: Math.floor(next() * 12) }, () => Math.floor(next() * 256))
          : encoder.encode(
              String.fromCodePoint(
                ...Array.from({ length: 1 + Math.floor(next() * 6) }, () => Math.floor(next() * 0x110000)),
              ).toWellFormed(),
            );
      const start = Math.floor(next() * (bytes.length + 1));
      const end = start + Math.floor(next() * (bytes.length - start + 1));
      expect([Array.from(bytes), start, end, isUtf8(bytes, start, end)]).toEqual([
        Array.from(bytes),
        start,
        end,
        decoderSays(bytes.subarray(start, end)),
      ]);
    }
  });
});
