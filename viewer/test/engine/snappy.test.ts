/**
 * Our Snappy decoder against blocks from the reference compressor (hysnappy: Google's snappy
 * built to WASM) and against hyparquet's decoder, on data that makes every element kind: long and
 * short literals, overlapping and non-overlapping copies with 1-, 2- and 4-byte offsets.
 */
import fc from 'fast-check';
import { snappyCompress } from 'hysnappy';
import { snappyUncompress as hyparquetSnappy } from 'hyparquet/src/snappy.js';
import { describe, expect, it } from 'vitest';
import { snappyDecompress } from '../../src/lib/engine/snappy.ts';

/** Bytes with long repeats, short repeats, runs and noise. */
const data = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 5000 }))
        .map(([b, n]) => new Uint8Array(n).fill(b)),
      fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 2, max: 200 }))
        .map(([p, n]) => {
          const out = new Uint8Array(p.length * n);
          for (let i = 0; i < n; i++) out.set(p, i * p.length);
          return out;
        }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });

describe('snappyDecompress', () => {
  it('gives back what the reference compressor was given, as hyparquet does', () => {
    fc.assert(
      fc.property(data, (input) => {
        const block = snappyCompress(input);
        const ours = snappyDecompress(block, input.length);
        expect(ours).toEqual(input);
        const theirs = new Uint8Array(input.length);
        hyparquetSnappy(block, theirs);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes blocks past 64 KB (4-byte offsets, literal lengths in several bytes)', () => {
    const noise = new Uint8Array(200_000);
    let seed = 7;
    for (let i = 0; i < noise.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      noise[i] = seed >>> 24;
    }
    // The same 70 KB twice: the second is one copy from 70 KB back.
    const input = new Uint8Array(140_000);
    input.set(noise.subarray(0, 70_000));
    input.set(noise.subarray(0, 70_000), 70_000);
    for (const sample of [noise, input])
      expect(snappyDecompress(snappyCompress(sample), sample.length)).toEqual(sample);
  });

  it('throws on a cut, corrupt or mislabelled block, never returning wrong bytes', () => {
    fc.assert(
      fc.property(
        data.filter((d) => d.length > 0),
        fc.nat(),
        (input, at) => {
          const block = snappyCompress(input);
          const cut = block.subarray(0, at % block.length);
          expect(() => snappyDecompress(cut, input.length)).toThrow(/snappy/);
          expect(() => snappyDecompress(block, input.length + 1)).toThrow(/snappy/);
        },
      ),
      { numRuns: 200 },
    );
    // A copy before the start of the output: length 5, then a 1-byte-offset copy from 9 back.
    expect(() => snappyDecompress(Uint8Array.of(5, 0b000_001_01, 9), 5)).toThrow(/before the start/);
    // A copy with offset 0.
    expect(() => snappyDecompress(Uint8Array.of(5, 0, 7, 0b000_001_01, 0), 5)).toThrow(/before the start/);
    // A literal longer than the block.
    expect(() => snappyDecompress(Uint8Array.of(3, 0b1000, 1), 3)).toThrow(/past the end/);
  });
});
