/**
 * DuckDB-WASM inside the data worker: start it from the app's own build (eh bundle), load column
 * batches into the contract's tables through Arrow, and run parameterized SQL.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import {
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { SESSION_ROLLUP_TABLE } from '@parley/shared/sql/filters';
import { TABLES, type Column, type TableName } from '@parley/shared/schema';
import { ENGINE_TABLES, type EngineTable } from './engine-tables.ts';
import type { ColumnBatch } from './parquet-read.ts';

export interface Duck {
  db: duckdb.AsyncDuckDB;
  conn: duckdb.AsyncDuckDBConnection;
}

export async function startDuck(mark: (name: string) => void = () => undefined): Promise<Duck> {
  const worker = new Worker(ehWorkerUrl);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(ehWasmUrl);
  mark('engine:duckdb-instantiated');
  await db.open({ query: { castBigIntToDouble: false } });
  const conn = await db.connect();
  return { db, conn };
}

export async function resetTables(duck: Duck): Promise<void> {
  await duck.conn.query(`DROP TABLE IF EXISTS ${SESSION_ROLLUP_TABLE}`);
  for (const table of Object.keys(ENGINE_TABLES) as EngineTable[]) {
    await duck.conn.query(`DROP TABLE IF EXISTS ${table}`);
    await duck.conn.query(engineTableSql(table));
  }
}

/**
 * The contract's columns without NOT NULL: heavy columns stay NULL until a session needs them.
 * Table names come from the fixed EngineTable set, never from input.
 */
function engineTableSql(table: EngineTable): string {
  return `CREATE TABLE ${table} (${ENGINE_TABLES[table].map((c) => `"${c.name}" ${c.type}`).join(', ')})`;
}

/**
 * A column of a batch as the Arrow type DuckDB maps to the table's own type, so that a batch can be
 * appended without a staging table: one round trip to DuckDB's worker instead of three.
 */
function columnVector(c: Column, values: readonly unknown[]): Vector {
  switch (c.type) {
    case 'VARCHAR':
      return vectorFromArray(values.map(text), new Utf8()) as Vector;
    case 'BOOLEAN':
      return vectorFromArray(
        values.map((v) => (v === null || v === undefined ? null : Boolean(v))),
        new Bool(),
      ) as Vector;
    case 'INTEGER':
      return vectorFromArray(values.map(num), new Int32()) as Vector;
    case 'DOUBLE':
      return vectorFromArray(values.map(num), new Float64()) as Vector;
    case 'VARCHAR[]':
      return vectorFromArray(
        values.map((v) =>
          Array.isArray(v) ? v.map((x) => (x === null || x === undefined ? null : String(x))) : null,
        ),
        new List(new Field('item', new Utf8(), true)),
      ) as Vector;
    case 'BIGINT':
    case 'TIMESTAMP': {
      // Arrow's builders take timestamps as milliseconds: the µs go in as raw 64-bit values.
      const raw = new BigInt64Array(values.length);
      const valid = new Uint8Array((values.length + 7) >> 3);
      let nulls = 0;
      for (const [i, v] of values.entries()) {
        const n = num(v);
        if (n === null) nulls++;
        else {
          raw[i] = BigInt(Math.trunc(n));
          valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
        }
      }
      const props = { length: values.length, nullCount: nulls, nullBitmap: valid, data: raw };
      return c.type === 'BIGINT'
        ? makeVector(makeData({ type: new Int64(), ...props }))
        : makeVector(makeData({ type: new TimestampMicrosecond(), ...props }));
    }
  }
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Appends a batch (columns named as in schema.ts; missing ones become NULL) to a table. */
export async function insertBatch(
  duck: Duck,
  table: TableName,
  batch: ColumnBatch,
  isCurrent: () => boolean,
): Promise<void> {
  // Checked with nothing awaited before the send: queries run in the order sent, so no stale
  // insert follows a reset.
  if (batch.length === 0 || !isCurrent()) return;
  const vectors: Record<string, Vector> = {};
  for (const c of TABLES[table]) {
    const src = batch.columns[c.name];
    vectors[c.name] = columnVector(c, src ?? new Array<unknown>(batch.length).fill(null));
  }
  // Serialized with our own Arrow copy: duckdb-wasm's insertArrowTable uses its bundled one.
  await duck.conn.insertArrowFromIPCStream(tableToIPC(new Table(vectors), 'stream'), {
    name: table,
    create: false,
  });
}

export type Row = Record<string, unknown>;

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'toArray' in v && typeof v.toArray === 'function') {
    return Array.from(v.toArray() as ArrayLike<unknown>, plain);
  }
  return v;
}

/** Runs SQL with `?` parameters as a prepared statement; rows come back as plain objects. */
export async function queryRows(duck: Duck, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  const stmt = await duck.conn.prepare(sql);
  try {
    const result = await stmt.query(...params);
    const names = result.schema.fields.map((f) => f.name);
    const rows: Row[] = [];
    for (let i = 0; i < result.numRows; i++) {
      const row: Row = {};
      const r = result.get(i);
      for (const n of names) row[n] = plain(r?.[n]);
      rows.push(row);
    }
    return rows;
  } finally {
    await stmt.close();
  }
}
