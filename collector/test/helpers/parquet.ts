/**
 * Reads what the collector wrote, the way an analyst would: the manifest's files through DuckDB.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Manifest } from '@parley/shared/manifest';
import type { TableName } from '@parley/shared/schema';

export async function readManifest(dataDir: string): Promise<Manifest> {
  return JSON.parse(await fs.readFile(path.join(dataDir, 'manifest.json'), 'utf8')) as Manifest;
}

export async function manifestFiles(dataDir: string, table: TableName): Promise<string[]> {
  const manifest = await readManifest(dataDir).catch(() => null);
  return (manifest?.files ?? []).filter((f) => f.table === table).map((f) => path.join(dataDir, f.path));
}

/**
 * Runs `sql` where `{table}` stands for the table's rows across all manifest files (an empty
 * relation with no rows when there are none). Values go in as parameters.
 */
export async function queryTable(
  dataDir: string,
  table: TableName,
  sql: string,
  params: Record<string, DuckDBValue> = {},
): Promise<Record<string, unknown>[]> {
  const files = await manifestFiles(dataDir, table);
  if (files.length === 0) return [];
  return query(sql.replaceAll('{table}', 'read_parquet($files, union_by_name = true)'), {
    ...params,
    files: listValue(files),
  });
}

async function query(sql: string, params: Record<string, DuckDBValue>): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const prepared = await connection.prepare(sql);
    prepared.bind(params);
    const reader = await prepared.runAndReadAll();
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Every .parquet file under the data dir, listed in the manifest or not. */
export async function allParquetFiles(dataDir: string): Promise<string[]> {
  const entries = await fs.readdir(dataDir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('.parquet')).map((e) => path.join(dataDir, e));
}

/** Row count of one file; throws when DuckDB cannot read it (a corrupt file). */
export async function parquetRowCount(file: string): Promise<number> {
  const rows = await query('SELECT count(*)::INTEGER AS n FROM read_parquet($files)', {
    files: listValue([file]),
  });
  return Number(rows[0]?.n);
}
