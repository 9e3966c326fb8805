/**
 * Test harness: rows following schema.ts -> Parquet files in a temp dir -> a real DuckDB whose
 * `spans`, `messages`, `sessions` are views over those files (as in Node and the CLI script).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue, listValue } from '@duckdb/node-api';
import { TABLES, type TableName, createTableSql } from '../../src/schema.ts';
import type { SqlQuery } from '../../src/sql/query.ts';

export type Row = Record<string, unknown>;

export interface Dataset {
  db: DuckDBInstance;
  conn: DuckDBConnection;
  dir: string;
  /** Relative paths of the files written, per table, as a manifest would list them. */
  files: { table: TableName; path: string }[];
  run(q: SqlQuery): Promise<Row[]>;
  close(): void;
}

function placeholder(type: string, nullable: boolean): string {
  // node-api cannot bind an empty list (its item type is unknown): empty lists travel as NULL.
  if (type === 'VARCHAR[]')
    return nullable ? 'CAST(? AS VARCHAR[])' : 'coalesce(CAST(? AS VARCHAR[]), CAST([] AS VARCHAR[]))';
  if (type === 'TIMESTAMP') return 'make_timestamp(CAST(? AS BIGINT))';
  if (type === 'BIGINT' || type === 'INTEGER') return `CAST(? AS ${type})`;
  return '?';
}

function bind(value: unknown, type: string): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (type === 'VARCHAR[]') return (value as string[]).length ? listValue(value as string[]) : null;
  return value as DuckDBValue;
}

async function insertRows(conn: DuckDBConnection, table: TableName, rows: readonly Row[]): Promise<void> {
  const cols = TABLES[table];
  const tuple = `(${cols.map((c) => placeholder(c.type, c.nullable)).join(', ')})`;
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    const sql = `INSERT INTO staging VALUES ${chunk.map(() => tuple).join(', ')}`;
    await conn.run(
      sql,
      chunk.flatMap((row) => cols.map((c) => bind(row[c.name], c.type))),
    );
  }
}

/**
 * Writes each group of rows as its own Parquet file (several files per table, like hourly
 * partitions), then opens views over them.
 */
export async function openDataset(
  groups: { table: TableName; path: string; rows: readonly Row[] }[],
): Promise<Dataset> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sql-'));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  for (const g of groups) {
    await conn.run(createTableSql(g.table, 'staging'));
    await insertRows(conn, g.table, g.rows);
    const file = join(dir, g.path);
    mkdirSync(join(file, '..'), { recursive: true });
    await conn.run(`COPY staging TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    await conn.run('DROP TABLE staging');
  }
  for (const table of ['spans', 'messages', 'sessions'] as const) {
    const paths = groups
      .filter((g) => g.table === table)
      .map((g) => `'${join(dir, g.path).replaceAll("'", "''")}'`);
    await conn.run(
      paths.length
        ? `CREATE VIEW ${table} AS SELECT * FROM read_parquet([${paths.join(', ')}], union_by_name = true)`
        : createTableSql(table),
    );
  }
  return {
    db,
    conn,
    dir,
    files: groups.map((g) => ({ table: g.table, path: g.path })),
    async run(q: SqlQuery) {
      const reader = await conn.runAndReadAll(q.sql, q.params as DuckDBValue[]);
      return reader.getRowObjectsJS() as Row[];
    },
    close() {
      conn.closeSync();
      db.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
