import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../src/otlp/bytes.ts';

describe('bytesToHex', () => {
  it('writes every byte value as two lowercase hex digits', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(bytesToHex(all, 0, all.length)).toBe(Buffer.from(all).toString('hex'));
  });

  it('reads only the range asked for, whatever a longer call before it left behind', () => {
    const buf = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02]);
    expect(bytesToHex(buf, 0, buf.length)).toBe('deadbeef0102');
    expect(bytesToHex(buf, 2, 4)).toBe('beef');
    expect(bytesToHex(buf, 3, 3)).toBe('');
  });

  it('round-trips through hexToBytes', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 255);
    expect(hexToBytes(bytesToHex(id, 0, id.length))).toEqual(id);
  });
});
