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
