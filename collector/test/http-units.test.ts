import { describe, expect, it } from 'vitest';
import { bearerMatches } from '../src/auth.ts';
import { parseRange } from '../src/http/range.ts';
import { dataRelativePath } from '../src/http/safe-path.ts';
import { encodeStatus } from '../src/rpc-status.ts';

describe('parseRange', () => {
  it('handles single ranges, suffixes and open ends', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'range', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'range', start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ kind: 'range', start: 50, end: 99 });
  });
  it('is unsatisfiable past the end, and ignores what it does not support', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'none' });
    expect(parseRange('items=0-1', 100)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=9-1', 100)).toEqual({ kind: 'none' });
  });
});

describe('dataRelativePath', () => {
  it('allows the manifest and parquet files below a table directory', () => {
    expect(dataRelativePath('manifest.json')).toBe('manifest.json');
    expect(dataRelativePath('spans/date=2026-11-26/hour=05/w1-000001.parquet')).toBe(
      'spans/date=2026-11-26/hour=05/w1-000001.parquet',
    );
    expect(dataRelativePath('spans/date%3D2026-11-26/hour=05/a.parquet')).toBe(
      'spans/date=2026-11-26/hour=05/a.parquet',
    );
  });
  it('refuses traversal, hidden files, NUL, backslashes and other files', () => {
    for (const attempt of [
      '../etc/passwd',
      'spans/../../x.parquet',
      '%2e%2e/secret.parquet',
      '%2E%2E%2Fsecret.parquet',
      '%252e%252e/x.parquet',
      'spans/%00.parquet',
      'spans/a.parquet%00.json',
      'spans\\..\\x.parquet',
      'spans/.hidden.parquet',
      '/etc/x.parquet',
      'spans//x.parquet',
      'wal/segment-1.log',
      '_wal/duckdb-tmp/x.parquet',
      'spans/_tmp/x.parquet',
      'x.parquet',
      'manifest.json.tmp',
      '%E0%A4%A',
    ]) {
      expect(dataRelativePath(attempt), attempt).toBeNull();
    }
  });
});

describe('bearerMatches', () => {
  it('accepts only the exact token with the Bearer scheme', () => {
    expect(bearerMatches('tok', 'Bearer tok')).toBe(true);
    expect(bearerMatches('tok', 'bearer tok')).toBe(true);
    expect(bearerMatches('tok', 'Bearer tok2')).toBe(false);
    expect(bearerMatches('tok', 'Basic tok')).toBe(false);
    expect(bearerMatches('tok', 'tok')).toBe(false);
    expect(bearerMatches('tok', undefined)).toBe(false);
    expect(bearerMatches('tok', 'Bearer ')).toBe(false);
  });
});

describe('encodeStatus', () => {
  it('encodes google.rpc.Status as protobuf and JSON', () => {
    expect([...encodeStatus(3, 'bad', 'protobuf')]).toEqual([0x08, 3, 0x12, 3, 0x62, 0x61, 0x64]);
    expect(JSON.parse(encodeStatus(16, 'no', 'json').toString())).toEqual({ code: 16, message: 'no' });
    const long = encodeStatus(3, 'x'.repeat(200), 'protobuf');
    expect([...long.subarray(0, 5)]).toEqual([0x08, 3, 0x12, 0xc8, 0x01]);
  });
});
