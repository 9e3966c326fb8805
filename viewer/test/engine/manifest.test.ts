import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '@parley/shared/schema';
import {
  compareCatalogs,
  filesForSession,
  filesInRange,
  parseManifest,
  type CatalogFile,
} from '../../src/lib/engine/manifest.ts';
import { isoToUs } from '../../src/lib/engine/time-range.ts';

const file = (table: string, path: string, min: string, max: string, sids?: [string, string]) => ({
  table,
  path,
  rows: 10,
  bytes: 1000,
  min_time: min,
  max_time: max,
  ...(sids ? { min_session_id: sids[0], max_session_id: sids[1] } : {}),
});

function catalog(files: unknown[]): CatalogFile[] {
  const parsed = parseManifest(
    JSON.stringify({ schema_version: SCHEMA_VERSION, updated_at: '2026-11-26T00:00:00Z', files }),
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.files;
}

describe('parseManifest', () => {
  it('rejects text that is not JSON or lacks the required fields', () => {
    const bad = parseManifest('<html>nope</html>');
    expect(bad.ok || bad.error.kind).toBe('bad-manifest');
    const missing = parseManifest('{"files": []}');
    expect(missing.ok || missing.error.kind).toBe('bad-manifest');
  });

  it('reports a schema version newer than the viewer knows', () => {
    const r = parseManifest(
      JSON.stringify({ schema_version: SCHEMA_VERSION + 1, updated_at: '', files: [] }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('schema-too-new');
      expect(r.error.message).toContain(String(SCHEMA_VERSION + 1));
    }
  });

  it('refuses paths that leave the snapshot root or point elsewhere', () => {
    for (const path of [
      '../etc/passwd.parquet',
      '/abs/x.parquet',
      'https://evil.example/x.parquet',
      'spans/./x.parquet',
      'spans\\x.parquet',
    ]) {
      const r = parseManifest(
        JSON.stringify({
          schema_version: 1,
          updated_at: '',
          files: [file('spans', path, '2026-11-26T00:00:00Z', '2026-11-26T01:00:00Z')],
        }),
      );
      expect(r.ok, path).toBe(false);
    }
  });

  it('keeps microseconds of the manifest times', () => {
    expect(isoToUs('2026-11-26T05:00:00.123456Z') - isoToUs('2026-11-26T05:00:00Z')).toBe(123456);
    expect(Number.isNaN(isoToUs('yesterday'))).toBe(true);
  });
});

describe('file selection', () => {
  const files = catalog([
    file(
      'sessions',
      'sessions/date=2026-11-25/hour=22/a.parquet',
      '2026-11-25T22:00:00Z',
      '2026-11-25T22:59:00Z',
    ),
    file(
      'sessions',
      'sessions/date=2026-11-25/hour=23/a.parquet',
      '2026-11-25T23:00:00Z',
      '2026-11-25T23:59:00Z',
    ),
    file('spans', 'spans/date=2026-11-25/hour=23/a.parquet', '2026-11-25T23:00:00Z', '2026-11-25T23:59:00Z', [
      'sess-a',
      'sess-m',
    ]),
    file('spans', 'spans/date=2026-11-25/hour=23/b.parquet', '2026-11-25T23:00:00Z', '2026-11-25T23:59:00Z', [
      'sess-n',
      'sess-z',
    ]),
    file('spans', 'spans/date=2026-11-25/hour=22/a.parquet', '2026-11-25T22:00:00Z', '2026-11-25T22:59:00Z', [
      'sess-a',
      'sess-z',
    ]),
  ]);

  it('picks only the files of the table that overlap the time range', () => {
    const range = { fromUs: isoToUs('2026-11-25T23:30:00Z'), toUs: isoToUs('2026-11-26T00:00:00Z') };
    expect(filesInRange(files, 'sessions', range).map((f) => f.path)).toEqual([
      'sessions/date=2026-11-25/hour=23/a.parquet',
    ]);
    expect(filesInRange(files, 'sessions', null)).toHaveLength(2);
  });

  it('picks the files whose session-id range can hold the session', () => {
    const extent = { fromUs: isoToUs('2026-11-25T23:10:00Z'), toUs: isoToUs('2026-11-25T23:20:00Z') };
    expect(filesForSession(files, 'spans', 'sess-q', extent).map((f) => f.path)).toEqual([
      'spans/date=2026-11-25/hour=23/b.parquet',
    ]);
    // A sessionless trace can be in any file of its time.
    expect(filesForSession(files, 'spans', null, extent)).toHaveLength(2);
  });
});

describe('compareCatalogs', () => {
  const t = ['2026-11-26T00:00:00Z', '2026-11-26T01:00:00Z'] as const;
  const before = catalog([
    file('spans', 'spans/a.parquet', ...t),
    file('messages', 'messages/a.parquet', ...t),
    file('sessions', 'sessions/a.parquet', ...t),
  ]);

  it('sees nothing in the same manifest', () => {
    expect(compareCatalogs(before, before)).toEqual({ rowsAdded: 0, filesChanged: false });
  });

  it('counts the span and message rows a new file adds', () => {
    const after = catalog([
      file('spans', 'spans/a.parquet', ...t),
      file('messages', 'messages/a.parquet', ...t),
      file('sessions', 'sessions/a.parquet', ...t),
      file('spans', 'spans/b.parquet', ...t),
      file('messages', 'messages/b.parquet', ...t),
      file('sessions', 'sessions/b.parquet', ...t),
    ]);
    expect(compareCatalogs(before, after)).toEqual({ rowsAdded: 20, filesChanged: true });
  });

  it('sees a compaction as changed files without new rows, whatever it did to the summaries', () => {
    const merged = catalog([
      { ...file('spans', 'spans/merged.parquet', ...t) },
      file('messages', 'messages/a.parquet', ...t),
      { ...file('sessions', 'sessions/merged.parquet', ...t), rows: 7 },
    ]);
    expect(compareCatalogs(before, merged)).toEqual({ rowsAdded: 0, filesChanged: true });
  });

  it('reports rows removed by retention as negative', () => {
    const expired = catalog([file('sessions', 'sessions/a.parquet', ...t)]);
    expect(compareCatalogs(before, expired)).toEqual({ rowsAdded: -20, filesChanged: true });
  });
});
