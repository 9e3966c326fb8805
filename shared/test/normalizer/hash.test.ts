import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a64 } from '../../src/normalizer/hash.ts';

function reference(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

describe('fnv1a64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('matches a BigInt reference implementation on any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => fnv1a64(s) === reference(s)),
      { numRuns: 300 },
    );
    const codeUnits = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 })
      .map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(codeUnits, (s) => fnv1a64(s) === reference(s)),
      { numRuns: 300 },
    );
    expect(fnv1a64('a\ud800b')).toBe(reference('a\ud800b'));
    expect(fnv1a64('\udc00\ud83d\ude00')).toBe(reference('\udc00\ud83d\ude00'));
  });

  it('hashes texts longer than its shared buffer the same way', () => {
    const long = 'é😀a'.repeat(30_000);
    expect(fnv1a64(long)).toBe(reference(long));
    expect(fnv1a64('short')).toBe(reference('short'));
  });
});
