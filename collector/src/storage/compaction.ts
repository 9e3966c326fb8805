/**
 * Compaction: the small files of one (table, hour) partition become one file, so a day of trickle
 * traffic does not become thousands of tiny files for the viewer to list and fetch. Summary rows
 * are re-aggregated, so session totals are unchanged. The caller switches the manifest first and
 * deletes the old files after; a reader still holding the previous manifest may get a 404 for a
 * removed file in that window and must reload the manifest.
 */
import { join } from 'node:path';
import type { Manifest, ManifestFile } from '@parley/shared/manifest';
import type { TableName } from '@parley/shared/schema';
import type { Duck } from './duck.ts';
import { removeIfExists } from './durable-fs.ts';
import { writePartitions } from './partition-writer.ts';
import type { WriteTarget } from './partition-writer.ts';
import { reaggregateSummariesSql } from './session-summaries.ts';
import { columnList } from './table-layout.ts';

export interface CompactionOptions {
  /** A partition is compacted once it has at least this many small files. */
  minFiles: number;
  /** Files at least this big are left alone (they are already worth a request). */
  smallFileBytes: number;
  /** Input bytes merged at once at most; DuckDB memory while sorting grows with it. */
  maxMergeBytes: number;
  /**
   * Input rows merged at once at most, since compressed bytes do not bound the sort (repetitive
   * prompts compress 25x). Files of at least half this many rows count as big.
   */
  maxMergeRows: number;
  /** Upper bound on partitions merged in one pass, to keep each pause short. */
  maxPartitionsPerPass: number;
}

export interface CompactionPlan {
  table: TableName;
  files: ManifestFile[];
}

function partitionOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/** Only this writer's files are merged: files of other collectors sharing the prefix are theirs. */
export function planCompaction(
  manifest: Manifest,
  writerId: string,
  options: CompactionOptions,
): CompactionPlan[] {
  const groups = new Map<string, ManifestFile[]>();
  for (const file of manifest.files) {
    if (file.bytes >= options.smallFileBytes || file.rows * 2 >= options.maxMergeRows) continue;
    if (!file.path.slice(file.path.lastIndexOf('/') + 1).startsWith(`${writerId}-`)) continue;
    const key = partitionOf(file.path);
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  }
  const plans: CompactionPlan[] = [];
  for (const files of groups.values()) {
    const first = files[0];
    if (!first || files.length < options.minFiles) continue;
    // Oldest first, up to the byte budget: later passes take the rest.
    const chosen: ManifestFile[] = [];
    let bytes = 0;
    let rows = 0;
    for (const f of [...files].sort((a, b) => a.min_time.localeCompare(b.min_time))) {
      const full = bytes + f.bytes > options.maxMergeBytes || rows + f.rows > options.maxMergeRows;
      if (chosen.length >= 2 && full) break;
      chosen.push(f);
      bytes += f.bytes;
      rows += f.rows;
    }
    if (chosen.length >= 2) plans.push({ table: first.table, files: chosen });
  }
  return plans.slice(0, options.maxPartitionsPerPass);
}

/** Write the merged file for one plan; returns its manifest entries and written paths. */
export async function mergePartition(
  duck: Duck,
  root: string,
  plan: CompactionPlan,
  target: WriteTarget,
): Promise<{ files: ManifestFile[]; written: string[] }> {
  const paths = plan.files.map((f) => join(root, f.path));
  const result = { files: [] as ManifestFile[], written: [] as string[] };
  try {
    const read = `read_parquet($1, union_by_name = true)`;
    const sql =
      plan.table === 'sessions'
        ? `(SELECT ${columnList('sessions')} FROM (${reaggregateSummariesSql(read)}))`
        : `(SELECT ${columnList(plan.table)} FROM ${read})`;
    await writePartitions(duck, plan.table, { sql, params: [paths] }, target, result);
    return result;
  } catch (err) {
    for (const path of result.written) await removeIfExists(path);
    throw err;
  }
}

export function replaceFiles(
  manifest: Manifest,
  removed: readonly ManifestFile[],
  added: readonly ManifestFile[],
): Manifest {
  const gone = new Set(removed.map((f) => f.path));
  return { ...manifest, files: [...manifest.files.filter((f) => !gone.has(f.path)), ...added] };
}
