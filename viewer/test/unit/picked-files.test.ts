import { describe, expect, it } from 'vitest';
import { ignoredNotice, isUsable, skippedNotice } from '../../src/lib/picked-files.ts';

describe('picked files', () => {
  it('keeps Parquet files and a manifest, sets the rest aside', () => {
    const names = [
      'snap/spans/w-1.parquet',
      'A.PARQUET',
      'snap/manifest.json',
      'other.json',
      'notes.txt',
      'data.csv',
    ];
    expect(names.filter(isUsable)).toEqual(['snap/spans/w-1.parquet', 'A.PARQUET', 'snap/manifest.json']);
  });

  it('names what was ignored, and says when nothing is left to open', () => {
    expect(ignoredNotice(['notes.txt'], false)).toBe(
      'Ignored notes.txt: only .parquet files and a snapshot’s manifest.json can be opened.',
    );
    expect(ignoredNotice(['a/notes.txt', 'data.csv', 'b.csv', 'c.csv', 'd.csv'], true)).toMatch(
      /^Nothing to open: notes\.txt, data\.csv, b\.csv and 2 more are not Parquet/,
    );
  });

  it('says to extract an archive, which holds a snapshot the browser cannot look into', () => {
    expect(ignoredNotice(['snapshot.zip'], true)).toBe(
      'Nothing to open: snapshot.zip is not Parquet (only .parquet files and a snapshot’s manifest.json can be opened). Pick the Parquet files, or the snapshot folder. To open snapshot.zip, extract it first, then pick the folder.',
    );
    expect(ignoredNotice(['notes.txt', 'a.tar.gz', 'b.tgz'], false)).toBe(
      'Ignored notes.txt, a.tar.gz, b.tgz: only .parquet files and a snapshot’s manifest.json can be opened. To open a.tar.gz, b.tgz, extract them first, then pick the folder.',
    );
    expect(ignoredNotice(['notes.txt'], true)).not.toContain('extract');
  });

  it('names the Parquet files left out with why, a few at most', () => {
    expect(skippedNotice(['a.parquet is too small to be a Parquet file.'])).toBe(
      'Opened without a file it could not read: a.parquet is too small to be a Parquet file.',
    );
    expect(skippedNotice(['1.', '2.', '3.', '4.', '5.'])).toBe(
      'Opened without 5 files it could not read: 1. 2. 3. And 2 more.',
    );
  });
});
