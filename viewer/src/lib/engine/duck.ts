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
  List,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { SESSION_ROLLUP_TABLE } from '@parley/shared/sql/filters';
import { TABLES, type Column, type TableName } from '@parley/shared/schema';
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
  for (const table of Object.keys(TABLES) as TableName[]) {
    await duck.conn.query(`DROP TABLE IF EXISTS ${table}`);
    await duck.conn.query(engineTableSql(table));
  }
}

/**
 * The contract's columns without NOT NULL: heavy columns stay NULL until a session needs them.
 * Table names come from the fixed TableName set, never from input.
 */
function engineTableSql(table: TableName): string {
  return `CREATE TABLE ${table} (${TABLES[table].map((c) => `"${c.name}" ${c.type}`).join(', ')})`;
}

/** Arrow carries timestamps and BIGINTs as doubles (exact below 2^53); SQL casts them back. */
function arrowType(c: Column): DataType {
  switch (c.type) {
    case 'VARCHAR':
      return new Utf8();
    case 'BOOLEAN':
      return new Bool();
    case 'INTEGER':
      return new Int32();
    case 'VARCHAR[]':
      return new List(new Field('item', new Utf8(), true));
    default:
      return new Float64();
  }
}

function castFromStage(c: Column): string {
  const col = `"${c.name}"`;
  switch (c.type) {
    case 'TIMESTAMP':
      return `make_timestamp(CAST(${col} AS BIGINT))`;
    case 'BIGINT':
      return `CAST(${col} AS BIGINT)`;
    default:
      return col;
  }
}

function normalize(c: Column, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (c.type === 'VARCHAR' && typeof v !== 'string')
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (c.type === 'VARCHAR[]')
    return Array.isArray(v) ? v.map((x) => (x === null || x === undefined ? null : String(x))) : null;
  return v;
}

let stageSeq = 0;

/** Appends a batch (columns named as in schema.ts; missing ones become NULL) to a table. */
export async function insertBatch(
  duck: Duck,
  table: TableName,
  batch: ColumnBatch,
  isCurrent: () => boolean,
): Promise<void> {
  if (batch.length === 0 || !isCurrent()) return;
  const cols = TABLES[table];
  const vectors: Record<string, Vector> = {};
  for (const c of cols) {
    const src = batch.columns[c.name];
    const values = new Array<unknown>(batch.length);
    for (let i = 0; i < batch.length; i++) values[i] = src ? normalize(c, src[i]) : null;
    vectors[c.name] = vectorFromArray(values, arrowType(c)) as Vector;
  }
  const stage = `stage_${++stageSeq}`;
  // Serialized with our own Arrow copy: duckdb-wasm's insertArrowTable uses its bundled one.
  await duck.conn.insertArrowFromIPCStream(tableToIPC(new Table(vectors), 'stream'), {
    name: stage,
    create: true,
  });
  try {
    // Checked right before sending: queries run in the order sent, so no stale insert follows a reset.
    if (!isCurrent()) return;
    await duck.conn.query(`INSERT INTO ${table} SELECT ${cols.map(castFromStage).join(', ')} FROM ${stage}`);
  } finally {
    await duck.conn.query(`DROP TABLE ${stage}`);
  }
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
