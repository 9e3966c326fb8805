import { describe, expect, it } from 'vitest';
import { matchManifest, missingFilesError } from '../../src/lib/engine/local-files.ts';

const ENTRIES = [
  'spans/date=2026-10-08/hour=12/w1-000001.parquet',
  'messages/date=2026-10-08/hour=12/w1-000002.parquet',
  'sessions/w1-000003.parquet',
];
const same = (name: string): string => name;

describe('matching a picked manifest to picked files', () => {
  it('matches by path inside the picked folder', () => {
    const picked = ENTRIES.map((p) => `snap/${p}`);
    const { found, missing } = matchManifest(ENTRIES, picked, 'snap/manifest.json', same);
    expect(missing).toEqual([]);
    expect(found.get(ENTRIES[0] ?? '')).toBe(`snap/${ENTRIES[0]}`);
  });

  it('matches files picked one by one by their unique names', () => {
    const picked = ['w1-000003.parquet', 'w1-000001.parquet', 'w1-000002.parquet'];
    const { found, missing } = matchManifest(ENTRIES, picked, 'manifest.json', same);
    expect(missing).toEqual([]);
    expect(found.get('sessions/w1-000003.parquet')).toBe('w1-000003.parquet');
  });

  it('names the entries no picked file holds', () => {
    const picked = [`snap/${ENTRIES[0]}`, `snap/${ENTRIES[2]}`];
    const { found, missing } = matchManifest(ENTRIES, picked, 'snap/manifest.json', same);
    expect(missing).toEqual([ENTRIES[1]]);
    expect(found.size).toBe(2);
  });

  it('does not guess between files that share a name', () => {
    const entries = ['spans/a/x.parquet', 'messages/a/x.parquet'];
    const byName = matchManifest(entries, ['x.parquet'], 'manifest.json', same);
    expect(byName.missing).toEqual(entries);
    const twoPicked = matchManifest(
      ['spans/a/y.parquet'],
      ['one/y.parquet', 'two/y.parquet'],
      'manifest.json',
      same,
    );
    expect(twoPicked.missing).toEqual(['spans/a/y.parquet']);
  });
});

describe('the error for an incomplete pick', () => {
  it('counts the missing files and names the first three', () => {
    const missing = ['a.parquet', 'b.parquet', 'c.parquet', 'd.parquet', 'e.parquet'];
    const error = missingFilesError(missing, 151, 146);
    expect(error.kind).toBe('missing-files');
    expect(error.message).toBe(
      '5 of the 151 files manifest.json lists were not picked: a.parquet, b.parquet, c.parquet, and 2 more.',
    );
  });

  it('says the Parquet files must be picked when only the manifest was', () => {
    expect(missingFilesError(['a.parquet'], 150, 0).message).toMatch(
      /^Only manifest\.json was picked: the 150 Parquet/,
    );
  });
});
