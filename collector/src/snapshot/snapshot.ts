/**
 * A snapshot: a self-contained copy of one time range of a dataset, compacted to one file per table
 * and partition (hour; day for session summaries), or for a partition too large to sort at once,
 * one file per range of whole sessions (see session-pieces.ts), with a fresh manifest, ready for
 * any static server or object store. Rows are filtered to the range by span start time; session
 * summaries are recomputed from the copied spans, so they describe exactly what the snapshot
 * holds. Built beside the destination, then renamed into place, so a half-written snapshot is
 * never visible under the destination name.
 */
import { mkdir, readdir, rename, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { ManifestFile } from '@parley/shared/manifest';
import type { TableName } from '@parley/shared/schema';
import { openDuck } from '../storage/duck.ts';
import type { Duck } from '../storage/duck.ts';
import { fsyncDir, makeDirs, removeTree } from '../storage/durable-fs.ts';
import { removeDirsOfGoneProcesses } from '../storage/process-alive.ts';
import { MANIFEST_NAME, emptyManifest, loadManifest, saveManifest } from '../storage/manifest-store.ts';
import type { LoadResult } from '../storage/manifest-store.ts';
import { writePartitions } from '../storage/partition-writer.ts';
import type { WriteTarget } from '../storage/partition-writer.ts';
import {
  groupCountsSql,
  pieceCondition,
  positionCountsSql,
  splitIntoPieces,
} from '../storage/session-pieces.ts';
import type { Group, GroupKey, Piece, Position } from '../storage/session-pieces.ts';
import { summariesFromSpansSql } from '../storage/session-summaries.ts';
import { columnList } from '../storage/table-layout.ts';
import { isoFromMicros, microsFromIso } from '../storage/time-format.ts';

export interface SnapshotRequest {
  from: string;
  out: string;
  /** Inclusive lower bound of span start time, µs. */
  sinceUs: number;
  /** Exclusive upper bound, µs. */
  untilUs: number;
  /** Column bytes sorted at once at most (see SORT_BYTES); tests make it small. */
  sortBytes?: number;
}

export type SnapshotResult =
  | {
      ok: true;
      files: number;
      bytes: number;
      rows: Record<TableName, number>;
      since: string;
      until: string;
      /** First span start and last span end of the whole source, for an empty range's warning. */
      source: { first: string; last: string } | null;
    }
  | { ok: false; error: string };

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function checkDestination(out: string, from: string): Promise<string | null> {
  if (resolve(out) === resolve(from)) return 'the output directory must differ from the source';
  const existing = await stat(out).catch(() => null);
  if (existing === null)
    return makeDirs(dirname(resolve(out))).then(
      () => null,
      (err: Error) => err.message,
    );
  if (!existing.isDirectory()) return `${out} exists and is not a directory`;
  if ((await readdir(out)).length > 0) return `${out} is not empty; refusing to overwrite it`;
  return null;
}

function overlaps(file: ManifestFile, sinceUs: number, untilUs: number): boolean {
  const min = microsFromIso(file.min_time);
  const max = microsFromIso(file.max_time);
  // A file with unreadable times is read anyway; the row filter decides.
  if (min === null || max === null) return true;
  return max >= sinceUs && min < untilUs;
}

function partitionKey(path: string): string {
  // 'spans/date=…/hour=…/x.parquet' -> 'date=…/hour=…'
  return path.split('/').slice(1, -1).join('/');
}

/**
 * A running collector's compaction and retention replace and delete files after switching the
 * manifest: a copy that finds a source gone starts again from the manifest as it is then.
 */
const ATTEMPTS = 5;

type ReadManifest = (root: string) => Promise<LoadResult>;

export async function createSnapshot(
  request: SnapshotRequest,
  readManifest: ReadManifest = loadManifest,
): Promise<SnapshotResult> {
  const { from, out, sinceUs, untilUs } = request;
  if (!(untilUs > sinceUs))
    return { ok: false, error: 'the time range is empty (--until must be after --since)' };
  if (!(await isDirectory(from))) return { ok: false, error: `source directory ${from} does not exist` };
  if (!(await stat(join(from, MANIFEST_NAME)).catch(() => null))) {
    return { ok: false, error: `${from} has no ${MANIFEST_NAME}: not a Parley data directory` };
  }
  const destinationProblem = await checkDestination(out, from);
  if (destinationProblem) return { ok: false, error: destinationProblem };

  const stagingPrefix = `.${basename(resolve(out))}.partial-`;
  await removeStaleStaging(dirname(resolve(out)), stagingPrefix);
  const staging = join(dirname(resolve(out)), `${stagingPrefix}${process.pid}`);
  const duck = await openDuck({
    memoryLimitBytes: 512 * 1024 * 1024,
    threads: 2,
    tempDir: join(tmpdir(), `parley-snapshot-${process.pid}`),
  });
  try {
    for (let attempt = 1; ; attempt++) {
      const loaded = await readManifest(from);
      if (!loaded.ok) return { ok: false, error: loaded.error };
      const sources = loaded.manifest.files
        .filter((f) => f.table !== 'sessions' && overlaps(f, sinceUs, untilUs))
        .map((file) => ({ file, path: join(from, ...file.path.split('/')) }));
      await removeTree(staging);
      // Not recursive: the parent exists (checkDestination made it), and Node's recursive mkdir
      // never returns under /proc.
      const unwritable = await mkdir(staging).then(
        () => null,
        (err: Error) => err.message,
      );
      if (unwritable !== null)
        return { ok: false, error: `cannot write the snapshot beside ${out}: ${unwritable}` };
      try {
        const files = await copyRange(
          duck,
          sources,
          sinceUs,
          untilUs,
          staging,
          request.sortBytes ?? SORT_BYTES,
        );
        await saveManifest(staging, { ...emptyManifest(), files });
        if (await isDirectory(out)) await rmdir(out);
        await rename(staging, out);
        await fsyncDir(dirname(resolve(out)));
        const rows: Record<TableName, number> = { spans: 0, messages: 0, sessions: 0 };
        for (const f of files) rows[f.table] += f.rows;
        return {
          ok: true,
          files: files.length,
          bytes: files.reduce((sum, f) => sum + f.bytes, 0),
          rows,
          since: isoFromMicros(sinceUs),
          until: isoFromMicros(untilUs),
          source: spanExtent(loaded.manifest.files),
        };
      } catch (err) {
        await removeTree(staging);
        const gone = await anyMissing(sources.map((s) => s.path));
        if (gone === null || attempt === ATTEMPTS) {
          const why = gone === null ? '' : ` (${gone} was removed while copying, ${ATTEMPTS} times in a row)`;
          return { ok: false, error: `snapshot failed: ${(err as Error).message}${why}` };
        }
      }
    }
  } finally {
    duck.close();
  }
}

function spanExtent(files: readonly ManifestFile[]): { first: string; last: string } | null {
  const spans = files.filter((f) => f.table === 'spans');
  if (spans.length === 0) return null;
  const first = spans.reduce((min, f) => (f.min_time < min ? f.min_time : min), spans[0]?.min_time ?? '');
  const last = spans.reduce((max, f) => (f.max_time > max ? f.max_time : max), spans[0]?.max_time ?? '');
  return { first, last };
}

/** Staging directories of snapshots that were killed: their process is gone. */
function removeStaleStaging(parent: string, prefix: string): Promise<void> {
  return removeDirsOfGoneProcesses(parent, (name) =>
    name.startsWith(prefix) ? Number(name.slice(prefix.length)) : null,
  );
}

async function anyMissing(paths: readonly string[]): Promise<string | null> {
  for (const path of paths) {
    const found = await stat(path).then(
      () => true,
      (err: NodeJS.ErrnoException) => err.code !== 'ENOENT',
    );
    if (!found) return path;
  }
  return null;
}

/** Writes the range's rows under `root`, one file per table and partition; returns their entries. */
async function copyRange(
  duck: Duck,
  sources: ReadonlyArray<{ file: ManifestFile; path: string }>,
  sinceUs: number,
  untilUs: number,
  root: string,
  sortBytes: number,
): Promise<ManifestFile[]> {
  const partitions = new Map<string, Map<TableName, string[]>>();
  for (const { file, path } of sources) {
    const key = partitionKey(file.path);
    const tables = partitions.get(key) ?? new Map<TableName, string[]>();
    tables.set(file.table, [...(tables.get(file.table) ?? []), path]);
    partitions.set(key, tables);
  }
  let seq = 1;
  const target: WriteTarget = {
    root,
    nextFileName: () => `snapshot-${String(seq++).padStart(6, '0')}`,
  };
  const files: ManifestFile[] = [];
  for (const key of [...partitions.keys()].sort()) {
    const tables = partitions.get(key) as Map<TableName, string[]>;
    await copyPartition(duck, tables, sinceUs, untilUs, target, files, sortBytes);
  }
  // Summaries are rebuilt from the copied range's spans in one pass: their partitions (days)
  // are coarser than the span partitions, and each comes out as one file. They are computed once
  // into a table: each partition's file reads its source again, which over every span file made
  // a snapshot of 400 days take 103 s.
  const spanSources = sources.filter((s) => s.file.table === 'spans').map((s) => s.path);
  if (spanSources.length > 0) {
    const spans = rangeRows('spans', spanSources, sinceUs, untilUs);
    await duck.run(
      `CREATE OR REPLACE TEMP TABLE snapshot_sessions AS ${summariesFromSpansSql(spans.sql)}`,
      spans.params,
    );
    try {
      await writePartitions(duck, 'sessions', { sql: 'snapshot_sessions', params: [] }, target, {
        files,
        written: [],
      });
    } finally {
      await duck.run('DROP TABLE IF EXISTS snapshot_sessions');
    }
  }
  return files;
}

/**
 * Column bytes (Parquet's uncompressed page sizes) sorted at once at most. One hour of max load
 * (881k heavy spans, 2.1M messages) sorted whole ran out of DuckDB's 512 MiB; in pieces of 32 MiB
 * it took 25 s and peaked at 752 MB RSS (128 MiB: 16 s, 1,066 MB), each piece reading its
 * partition's files again.
 */
const SORT_BYTES = 32 * 1024 * 1024;

async function copyPartition(
  duck: Duck,
  tables: Map<TableName, string[]>,
  sinceUs: number,
  untilUs: number,
  target: WriteTarget,
  files: ManifestFile[],
  sortBytes: number,
): Promise<void> {
  const result = { files, written: [] as string[] };
  for (const table of ['spans', 'messages'] as const) {
    const sources = tables.get(table);
    if (sources === undefined) continue;
    const rows = rangeRows(table, sources, sinceUs, untilUs);
    const budget = await pieceBudget(duck, sources, sortBytes);
    // Sources that fit in one piece need no cut, nor their groups read: the common case.
    const pieces: Piece[] =
      budget.sourceRows <= budget.pieceRows
        ? [{ from: null, to: null }]
        : await cutIntoPieces(duck, rows, budget.pieceRows);
    for (const piece of pieces) {
      const where = pieceCondition(piece, rows.params.length + 1);
      await writePartitions(
        duck,
        table,
        {
          sql: `(SELECT * FROM ${rows.sql} AS r WHERE ${where.sql})`,
          params: [...rows.params, ...where.params],
        },
        target,
        result,
      );
    }
  }
}

/** The sources' rows, and how many of them, at their average column bytes, come to `sortBytes`. */
async function pieceBudget(
  duck: Duck,
  sources: string[],
  sortBytes: number,
): Promise<{ sourceRows: number; pieceRows: number }> {
  const [sizes] = await duck.rows(
    `SELECT sum(total_uncompressed_size)::BIGINT AS bytes, (SELECT sum(num_rows) FROM parquet_file_metadata($1))::BIGINT AS rows
     FROM parquet_metadata($1)`,
    [sources],
  );
  const bytes = Number(sizes?.bytes ?? 0);
  const rows = Number(sizes?.rows ?? 0);
  const pieceRows =
    rows === 0 || bytes === 0 ? Number.MAX_SAFE_INTEGER : Math.max(1, Math.floor(sortBytes / (bytes / rows)));
  return { sourceRows: rows, pieceRows };
}

async function cutIntoPieces(
  duck: Duck,
  rows: { sql: string; params: (string[] | bigint)[] },
  pieceRows: number,
): Promise<Piece[]> {
  const groups = await groupCounts(duck, rows);
  // A session larger than a piece (a long agent loop) is cut between its spans.
  for (const group of groups)
    if (group.rows > pieceRows) group.positions = await positionCounts(duck, rows, group);
  return splitIntoPieces(groups, pieceRows);
}

async function positionCounts(
  duck: Duck,
  rows: { sql: string; params: (string[] | bigint)[] },
  group: GroupKey,
): Promise<Array<Position & { rows: number }>> {
  const query = positionCountsSql(rows.sql, group, rows.params.length + 1);
  const found = await duck.columns(query.sql, [...rows.params, ...query.params]);
  const spans = found.span_id as string[];
  const counts = found.rows as bigint[];
  return (found.start_us as bigint[]).map((t, i) => ({
    startUs: Number(t),
    spanId: spans[i] as string,
    rows: Number(counts[i]),
  }));
}

async function groupCounts(
  duck: Duck,
  rows: { sql: string; params: (string[] | bigint)[] },
): Promise<Group[]> {
  const groups = await duck.columns(groupCountsSql(rows.sql), rows.params);
  const sessions = groups.session_id as Array<string | null>;
  const traces = groups.trace_id as Array<string | null>;
  return (groups.rows as bigint[]).map((n, i) => ({
    sessionId: sessions[i] ?? null,
    traceId: traces[i] ?? null,
    rows: Number(n),
  }));
}

/** The rows of `sources` that start in [since, until). */
function rangeRows(
  table: 'spans' | 'messages',
  sources: string[],
  sinceUs: number,
  untilUs: number,
): { sql: string; params: (string[] | bigint)[] } {
  const range = 'start_time >= make_timestamp($2::BIGINT) AND start_time < make_timestamp($3::BIGINT)';
  return {
    sql: `(SELECT ${columnList(table)} FROM read_parquet($1, union_by_name = true) WHERE ${range})`,
    params: [sources, BigInt(sinceUs), BigInt(untilUs)],
  };
}
