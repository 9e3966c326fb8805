import { describe, expect, it } from 'vitest';
import type { ManifestFile } from '@parley/shared/manifest';
import type { TableName } from '@parley/shared/schema';
import { planCompaction } from '../../src/storage/compaction.ts';
import { emptyManifest } from '../../src/storage/manifest-store.ts';
import type { CompactionOptions } from '../../src/storage/compaction.ts';

const OPTIONS: CompactionOptions = {
  minFiles: 3,
  smallFileBytes: 1_000,
  maxMergeBytes: 2_000,
  maxMergeRows: 100,
  maxPartitionsPerPass: 4,
};

let seq = 0;
function file(
  table: TableName,
  partition: string,
  over: Partial<ManifestFile> & { writer?: string } = {},
): ManifestFile {
  seq += 1;
  const { writer = 'w1', ...rest } = over;
  return {
    table,
    path: `${table}/${partition}/${writer}-${String(seq).padStart(6, '0')}.parquet`,
    rows: 10,
    bytes: 100,
    min_time: `2026-11-26T05:00:${String(seq % 60).padStart(2, '0')}.000000Z`,
    max_time: '2026-11-26T05:59:59.000000Z',
    ...rest,
  };
}

function plan(files: ManifestFile[], options: Partial<CompactionOptions> = {}) {
  return planCompaction({ ...emptyManifest(), files }, 'w1', { ...OPTIONS, ...options }).map((p) => ({
    table: p.table,
    paths: p.files.map((f) => f.path),
  }));
}

describe('planCompaction', () => {
  it('merges a partition once it has minFiles small files of this writer, oldest first', () => {
    const hour = 'date=2026-11-26/hour=05';
    const files = [file('spans', hour), file('spans', hour), file('spans', hour)];
    expect(plan(files)).toEqual([{ table: 'spans', paths: files.map((f) => f.path) }]);
    expect(plan(files.slice(0, 2))).toEqual([]);
    // Files of another collector sharing the data dir are not this writer's to merge.
    expect(plan([...files.slice(0, 2), file('spans', hour, { writer: 'w2' })])).toEqual([]);
  });

  it('leaves files that are big by bytes or by rows alone', () => {
    const hour = 'date=2026-11-26/hour=05';
    const small = [file('messages', hour), file('messages', hour)];
    expect(plan([...small, file('messages', hour, { bytes: 1_000 })])).toEqual([]);
    // Half of maxMergeRows counts as big: merging it could not make a file twice as large.
    expect(plan([...small, file('messages', hour, { rows: 50 })])).toEqual([]);
    expect(plan([...small, file('messages', hour, { rows: 49 })])).toHaveLength(1);
  });

  it('takes the oldest files up to the row and byte budgets, and leaves the rest for later passes', () => {
    const hour = 'date=2026-11-26/hour=05';
    const byRows = Array.from({ length: 6 }, () => file('spans', hour, { rows: 40 }));
    expect(plan(byRows)[0]?.paths).toEqual(byRows.slice(0, 2).map((f) => f.path));
    const byBytes = Array.from({ length: 6 }, () => file('spans', hour, { bytes: 900 }));
    expect(plan(byBytes)[0]?.paths).toEqual(byBytes.slice(0, 2).map((f) => f.path));
    // Newest first in the manifest: the plan still starts with the oldest.
    const reversed = [...byRows].reverse();
    expect(plan(reversed)[0]?.paths).toEqual(byRows.slice(0, 2).map((f) => f.path));
  });

  it('plans each partition apart, at most maxPartitionsPerPass of them', () => {
    const files = [5, 6, 7].flatMap((h) => [0, 1, 2].map(() => file('spans', `date=2026-11-26/hour=0${h}`)));
    expect(plan(files).map((p) => p.paths.length)).toEqual([3, 3, 3]);
    expect(plan(files, { maxPartitionsPerPass: 2 })).toHaveLength(2);
  });
});
