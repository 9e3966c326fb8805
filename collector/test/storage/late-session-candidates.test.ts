/**
 * Which files a late-session rewrite reads: the hour partitions of the trace's rows, so a run's
 * late root does not make the collector scan and rewrite-check a whole day of files.
 */
import type { Manifest, ManifestFile } from '@parley/shared/manifest';
import { describe, expect, it } from 'vitest';
import { lateSessionCandidates } from '../../src/storage/late-sessions.ts';

const file = (path: string): ManifestFile => ({
  table: path.slice(0, path.indexOf('/')) as ManifestFile['table'],
  path,
  rows: 1,
  bytes: 1,
  min_time: '2026-11-26T05:00:00.000000Z',
  max_time: '2026-11-26T05:00:00.000000Z',
});

const manifest: Manifest = {
  schema_version: 1,
  updated_at: '2026-11-26T07:00:00.000Z',
  files: [
    'spans/date=2026-11-26/hour=05/wtest-000001.parquet',
    'spans/date=2026-11-26/hour=06/wtest-000002.parquet',
    'messages/date=2026-11-26/hour=05/wtest-000003.parquet',
    'sessions/date=2026-11-26/wtest-000004.parquet',
    'spans/date=2026-11-26/hour=05/wother-000005.parquet',
    'spans/date=2026-11-25/hour=05/wtest-000006.parquet',
  ].map(file),
};

const paths = (files: Record<string, ManifestFile[]>) =>
  Object.fromEntries(Object.entries(files).map(([table, list]) => [table, list.map((f) => f.path)]));

describe('lateSessionCandidates', () => {
  it("reads the span and message files of the trace's hours, and the summary files of its days", () => {
    const pending = [{ trace_id: 'a', session_id: 's', days: ['2026-11-26'], hours: ['2026-11-26T05'] }];
    expect(paths(lateSessionCandidates(manifest, 'wtest', pending))).toEqual({
      spans: ['spans/date=2026-11-26/hour=05/wtest-000001.parquet'],
      messages: ['messages/date=2026-11-26/hour=05/wtest-000003.parquet'],
      sessions: ['sessions/date=2026-11-26/wtest-000004.parquet'],
    });
  });

  it('reads the whole days of a trace pending from a state written before hours were kept', () => {
    const pending = [{ trace_id: 'b', session_id: 's', days: ['2026-11-26'] }];
    expect(paths(lateSessionCandidates(manifest, 'wtest', pending)).spans).toEqual([
      'spans/date=2026-11-26/hour=05/wtest-000001.parquet',
      'spans/date=2026-11-26/hour=06/wtest-000002.parquet',
    ]);
  });
});
