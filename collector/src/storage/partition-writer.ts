/**
 * Writes one DuckDB table of contract rows as hive-partitioned Parquet files, one file per hour
 * partition: ZSTD, sorted, sized row groups, written to a temp name, fsynced and renamed. Returns
 * the manifest entries; publishing them (the manifest write) is the caller's commit.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ManifestFile } from '@parley/shared/manifest';
import type { TableName } from '@parley/shared/schema';
import type { Duck, Param } from './duck.ts';
import { fsyncDir, publishFile } from './durable-fs.ts';
import { LAYOUTS, columnList } from './table-layout.ts';
import { isoFromMicros } from './time-format.ts';

export interface WriteTarget {
  root: string;
  /** Unique file name (without extension) for the next file of this writer. */
  nextFileName(): string;
}

export interface PartitionWriteResult {
  files: ManifestFile[];
  /** Absolute paths published so far, so a failed batch can remove what it wrote. */
  written: string[];
}

/** Partition directory, relative, POSIX: `<table>/date=YYYY-MM-DD/hour=HH`, or `<table>/date=YYYY-MM-DD`. */
export function partitionDir(table: TableName, date: string, hour: string | null): string {
  return hour === null ? `${table}/date=${date}` : `${table}/date=${date}/hour=${hour}`;
}

async function ensureDurableDir(root: string, relDir: string): Promise<void> {
  const created = await mkdir(join(root, relDir), { recursive: true });
  if (created === undefined) return;
  // New directory entries are durable only once their parents are fsynced.
  let dir = join(root, relDir);
  while (dir.length >= created.length && dir !== root) {
    await fsyncDir(dirname(dir));
    dir = dirname(dir);
  }
}

function asNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function asStringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Rows to write: a relation (table name or parenthesized query, built from fixed identifiers)
 * with the contract columns of the table and TIMESTAMP times; `params` are its $1..$n. Reading
 * straight from a query lets DuckDB stream and spill instead of holding a copy.
 */
export interface RowSource {
  sql: string;
  params: readonly Param[];
}

/**
 * The writer holds a whole row group in memory before compressing it, outside what DuckDB can
 * spill: with wide rows (long prompt histories in attributes) a row-count bound alone let one
 * group outgrow memory_limit. Groups end at whichever bound comes first.
 */
const ROW_GROUP_MAX_BYTES = '24MB';

/** What the manifest records of a partition's rows; `hourUs` starts its UTC hour (or day). */
export interface PartitionRows {
  hourUs: number;
  rows: number;
  minUs: number;
  maxUs: number;
  models: string[];
  minSession: string | null;
  maxSession: string | null;
}

/** `date=YYYY-MM-DD` and `HH` of a partition start, as DuckDB's strftime gives them in UTC. */
function partitionNames(hourUs: number): { date: string; hour: string } {
  const iso = new Date(hourUs / 1000).toISOString();
  if (iso.length !== 24) throw new RangeError(`partition time out of range: ${hourUs} µs`);
  return { date: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

/**
 * Writes the rows of `query` (a SELECT of the table's contract columns, in order, of one
 * partition's rows in the layout's order) as one Parquet file, and returns its path. The manifest entry counts the rows
 * the COPY wrote: fewer than `partition.rows` if the query's reader dropped a row it could not
 * read (the materializer logs that as `storage.rows_unreadable`).
 */
export async function writePartition(
  duck: Duck,
  table: TableName,
  query: RowSource,
  partition: PartitionRows,
  target: WriteTarget,
  result: PartitionWriteResult,
): Promise<string> {
  const n = query.params.length;
  const layout = LAYOUTS[table];
  const names = partitionNames(partition.hourUs);
  const relDir = partitionDir(table, names.date, layout.partitionUnit === 'hour' ? names.hour : null);
  await ensureDurableDir(target.root, relDir);
  const relPath = `${relDir}/${target.nextFileName()}.parquet`;
  const finalPath = join(target.root, relPath);
  const tmpPath = `${finalPath}.tmp`;
  const copied = await duck.rows(
    `COPY (${query.sql})
     TO $${n + 1} (FORMAT parquet, COMPRESSION ${layout.compression}, ROW_GROUP_SIZE ${layout.rowGroupSize},
                   ROW_GROUP_SIZE_BYTES '${ROW_GROUP_MAX_BYTES}')`,
    [...query.params, tmpPath],
  );
  await publishFile(tmpPath, finalPath);
  result.written.push(finalPath);
  const rows = asNumber(copied[0]?.Count);
  const { size } = await stat(finalPath);
  result.files.push({
    table,
    path: relPath,
    rows,
    bytes: size,
    min_time: isoFromMicros(partition.minUs),
    max_time: isoFromMicros(partition.maxUs),
    models: partition.models,
    min_session_id: partition.minSession,
    max_session_id: partition.maxSession,
  });
  return finalPath;
}

/** Rows are split by the UTC hour (or day) of the layout's partition time, one file per partition. */
export async function writePartitions(
  duck: Duck,
  table: TableName,
  source: RowSource,
  target: WriteTarget,
  result: PartitionWriteResult,
): Promise<void> {
  const n = source.params.length;
  const layout = LAYOUTS[table];
  const hourOf = `date_trunc('${layout.partitionUnit}', ${layout.partitionTime})`;
  const partitions = await duck.rows(
    `
SELECT
  epoch_us(${hourOf}) AS hour_us,
  count(*) AS rows,
  epoch_us(min(${layout.minTime})) AS min_us,
  epoch_us(max(${layout.maxTime})) AS max_us,
  ${layout.modelsAgg} AS models,
  min(session_id) AS min_session,
  max(session_id) AS max_session
FROM ${source.sql} AS src
GROUP BY ALL
ORDER BY hour_us`,
    source.params,
  );

  for (const p of partitions) {
    const hourUs = asNumber(p.hour_us);
    const ordered = {
      sql: `SELECT ${columnList(table)} FROM ${source.sql} AS src
            WHERE ${hourOf} = make_timestamp($${n + 1}::BIGINT) ORDER BY ${layout.orderBy}`,
      params: [...source.params, BigInt(hourUs)],
    };
    await writePartition(
      duck,
      table,
      ordered,
      {
        hourUs,
        rows: asNumber(p.rows),
        minUs: asNumber(p.min_us),
        maxUs: asNumber(p.max_us),
        models: Array.isArray(p.models)
          ? (p.models as unknown[]).filter((m): m is string => typeof m === 'string')
          : [],
        minSession: asStringOrNull(p.min_session),
        maxSession: asStringOrNull(p.max_session),
      },
      target,
      result,
    );
  }
}
