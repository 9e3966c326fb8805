/**
 * Test harness for the browser's engine: DuckDB-WASM 1.32 (DuckDB 1.4.3), run in Node through its
 * blocking build, with `spans`, `messages`, `sessions` as in-memory tables (the browser has no
 * Parquet reader either). Rows are loaded with literal INSERTs built by the audited quoteLiteral.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TABLES, type TableName, createTableSql } from '../../src/schema.ts';
import { quoteLiteral } from '../../src/sql/cli.ts';
import type { SqlParam, SqlQuery } from '../../src/sql/query.ts';
import type { Row } from './duck.ts';

type Blocking = typeof import('@duckdb/duckdb-wasm/blocking');
const require = createRequire(import.meta.url);

function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (type === 'TIMESTAMP') return `make_timestamp(CAST(${quoteLiteral(value as number)} AS BIGINT))`;
  if (type === 'VARCHAR[]')
    return `CAST([${(value as string[]).map((v) => quoteLiteral(v)).join(', ')}] AS VARCHAR[])`;
  return quoteLiteral(value as SqlParam);
}

export interface WasmDb {
  run(q: SqlQuery): Row[];
  /** Runs fixed SQL text (test setup only). */
  exec(sql: string): void;
  close(): void;
}

export async function openWasm(tables: Record<TableName, readonly object[]>): Promise<WasmDb> {
  const duckdb = require('@duckdb/duckdb-wasm/blocking') as Blocking;
  const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
  const bundles = {
    mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
    eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  const conn = db.connect();
  for (const table of ['spans', 'messages', 'sessions'] as const) {
    conn.query(createTableSql(table));
    const cols = TABLES[table];
    const rows = tables[table] as readonly Record<string, unknown>[];
    for (let i = 0; i < rows.length; i += 200) {
      const values = rows
        .slice(i, i + 200)
        .map((r) => `(${cols.map((c) => literal(r[c.name], c.type)).join(', ')})`)
        .join(',\n');
      conn.query(`INSERT INTO ${table} VALUES ${values}`);
    }
  }
  return {
    run(q: SqlQuery): Row[] {
      const stmt = conn.prepare(q.sql);
      try {
        return stmt
          .query(...q.params)
          .toArray()
          .map((r: { toJSON(): Row }) => r.toJSON());
      } finally {
        stmt.close();
      }
    },
    exec(sql: string) {
      conn.query(sql);
    },
    close() {
      conn.close();
      db.reset();
    },
  };
}
