/**
 * The writer bookkeeping read back from a manifest.json, which anyone with access to the data dir
 * can edit: what is not of the expected shape is left out, never trusted.
 */
import { describe, expect, it } from 'vitest';
import { emptyManifest, writerState } from '../../src/storage/manifest-store.ts';

describe('writerState', () => {
  it('starts from nothing for a writer the manifest does not name', () => {
    expect(writerState(emptyManifest(), 'w1')).toEqual({
      wal_committed: 0,
      carries: [],
      next_file_seq: 1,
      late_sessions: [],
    });
  });

  it('keeps only well-formed pending late sessions', () => {
    const good = { trace_id: 'a'.repeat(32), session_id: 's1', days: ['2026-11-27'] };
    const hours = { ...good, trace_id: 'e'.repeat(32), hours: ['2026-11-27T05'] };
    // Hours only narrow the files read: without readable ones the whole days are read.
    const badHours = { ...good, trace_id: 'f'.repeat(32), hours: [5] };
    const manifest = {
      ...emptyManifest(),
      writer: {
        w1: {
          wal_committed: 7,
          carries: [],
          next_file_seq: 9,
          late_sessions: [
            good,
            hours,
            badHours,
            { trace_id: 'b'.repeat(32), session_id: 's2' },
            { trace_id: 'c'.repeat(32), session_id: 5, days: [] },
            { trace_id: 'd'.repeat(32), session_id: 's4', days: [20261127] },
            null,
            'late',
          ],
        },
        w2: { late_sessions: 'all of them' },
      },
    };
    expect(writerState(manifest, 'w1')).toEqual({
      wal_committed: 7,
      carries: [],
      next_file_seq: 9,
      late_sessions: [good, hours, { ...good, trace_id: 'f'.repeat(32) }],
    });
    expect(writerState(manifest, 'w2').late_sessions).toEqual([]);
  });
});
