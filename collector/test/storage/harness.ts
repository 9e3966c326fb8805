/** Temp data dirs, pipelines with fast settings, and DuckDB reads of what was written. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Manifest } from '@parley/shared/manifest';
import { loadManifest } from '../../src/storage/manifest-store.ts';
import { createPipeline } from '../../src/storage/pipeline.ts';
import type { StorageConfig } from '../../src/storage/pipeline.ts';
import type { Pipeline } from '../../src/pipeline-types.ts';
import { silentLogger } from '../../src/log.ts';
import { LAYOUTS } from '../../src/storage/table-layout.ts';

export async function tempDir(
  prefix = 'parley-storage-',
): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export function openPipeline(dataDir: string, overrides: Partial<StorageConfig> = {}): Promise<Pipeline> {
  return createPipeline({
    dataDir,
    writerId: 'wtest',
    // Flushes happen when the test asks, not on a timer.
    flushIntervalMs: 3_600_000,
    prices: null,
    logger: silentLogger,
    ...overrides,
  });
}

export async function manifestOf(dataDir: string): Promise<Manifest> {
  const loaded = await loadManifest(dataDir);
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.manifest;
}

/** Query the files the manifest lists for `table`, exposed as the view `t`. */
export async function queryTable(
  dataDir: string,
  table: 'spans' | 'messages' | 'sessions',
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  const manifest = await manifestOf(dataDir);
  const files = manifest.files.filter((f) => f.table === table).map((f) => join(dataDir, f.path));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    if (files.length === 0) return [];
    await conn.run(
      `CREATE TABLE t AS SELECT * FROM read_parquet($1, hive_partitioning = false)`,
      [listValue(files)],
      [LIST(VARCHAR)],
    );
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Row count and compression codecs of one Parquet file, read from the file itself. */
export async function parquetFacts(
  path: string,
): Promise<{ rows: number; codecs: string[]; rowGroups: number }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    const count = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM read_parquet($1)', [path]);
    const meta = await conn.runAndReadAll(
      'SELECT list(DISTINCT compression ORDER BY compression) AS codecs, count(DISTINCT row_group_id)::INTEGER AS groups FROM parquet_metadata($1)',
      [path],
    );
    const [c] = count.getRowObjectsJson() as Array<{ n: number }>;
    const [m] = meta.getRowObjectsJson() as Array<{ codecs: string[]; groups: number }>;
    return { rows: c?.n ?? -1, codecs: m?.codecs ?? [], rowGroups: m?.groups ?? -1 };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Whether one Parquet file's rows are in its table's layout order, and what DuckDB finds in it
 * of what the manifest records (times as ISO strings, as the manifest has them).
 */
export async function layoutFacts(
  path: string,
  table: 'spans' | 'messages',
): Promise<{ inOrder: boolean; facts: Record<string, unknown> }> {
  const layout = LAYOUTS[table];
  const key = `{s: session_id, t: CASE WHEN session_id IS NULL THEN trace_id END, st: start_time, sp: span_id${
    table === 'messages' ? ', q: seq' : ''
  }}`;
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT list(${key} ORDER BY file_row_number) = list(${key} ORDER BY ${layout.orderBy}) AS in_order,
              count(*)::INTEGER AS rows,
              strftime(min(${layout.minTime}), '%Y-%m-%dT%H:%M:%S.%fZ') AS min_time,
              strftime(max(${layout.maxTime}), '%Y-%m-%dT%H:%M:%S.%fZ') AS max_time,
              ${layout.modelsAgg} AS models,
              min(session_id) AS min_session_id, max(session_id) AS max_session_id
       FROM read_parquet($1, file_row_number = true)`,
      [path],
    );
    const [row] = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
    const { in_order, ...facts } = row ?? {};
    return { inOrder: in_order === true, facts };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
