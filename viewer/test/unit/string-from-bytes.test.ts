import { describe, expect, it } from 'vitest';
import { stringFromBytes } from '../../src/lib/engine/parquet-read.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('stringFromBytes', () => {
  it('decodes ASCII, UTF-8 and long strings as TextDecoder does', () => {
    for (const s of [
      '',
      'sess-0a1b2c',
      'é-model',
      '𝄞 clef',
      'x'.repeat(65),
      `${'a'.repeat(70)}é`,
      '\u0000\u007f',
    ])
      expect(stringFromBytes(bytes(s))).toBe(s);
  });

  it('keeps a missing value missing', () => {
    expect(stringFromBytes(undefined)).toBeUndefined();
  });
});
