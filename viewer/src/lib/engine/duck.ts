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

/**
 * DuckDB-WASM's worker fetches its WebAssembly and compiles it as the bytes arrive; when that
 * fetch fails (the host away, a 404 or 500), the rejection goes unhandled inside that worker and
 * instantiate() never settles. The worker runs here inside a small script of ours that posts
 * such a rejection back, so a failed start fails instead of hanging. Built as a blob: nothing
 * more is fetched on the way to a start that works.
 */
const UNHANDLED = 'parley:unhandled-rejection';

function guardedWorker(scriptUrl: string): { worker: Worker; revoke: () => void } {
  const guard = `self.addEventListener('unhandledrejection', (e) => {
  const r = e.reason;
  self.postMessage({ type: ${JSON.stringify(UNHANDLED)}, message: String(r && r.message ? r.message : r) });
});
importScripts(${JSON.stringify(scriptUrl)});`;
  const url = URL.createObjectURL(new Blob([guard], { type: 'text/javascript' }));
  return { worker: new Worker(url), revoke: () => URL.revokeObjectURL(url) };
}

/** Rejects when the worker reports a failure (its script not loaded, a rejection it left). */
function workerFailure(worker: Worker): { failed: Promise<never>; stop: () => void } {
  let onError: (e: ErrorEvent) => void = () => undefined;
  let onMessage: (e: MessageEvent) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    onError = (e) => reject(new Error(e.message || 'its worker script could not be loaded'));
    onMessage = (e) => {
      const data: unknown = e.data;
      if (data && typeof data === 'object' && 'type' in data && data.type === UNHANDLED && 'message' in data)
        reject(new Error(String(data.message)));
    };
  });
  worker.addEventListener('error', onError);
  worker.addEventListener('message', onMessage);
  const stop = (): void => {
    worker.removeEventListener('error', onError);
    worker.removeEventListener('message', onMessage);
  };
  return { failed, stop };
}

/**
 * Why a file of DuckDB's could not be fetched, asked only once its start failed or stalled: the
 * browser's own message ("HTTP status code is not ok") names neither the file nor the status. The
 * question has its own time limit, as a host that takes a request and never answers would hold
 * this one too.
 */
async function fetchProblem(url: string, timeoutMs: number): Promise<string | null> {
  const name = url.slice(url.lastIndexOf('/') + 1);
  try {
    const r = await fetch(url, { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
    return r.ok ? null : `${name} answered HTTP ${r.status}`;
  } catch (e) {
    return e instanceof DOMException && e.name === 'TimeoutError'
      ? `${name} could not be fetched: the server took the request and did not answer`
      : `${name} could not be fetched: the server did not answer`;
  }
}

/**
 * How long DuckDB's start may go unsettled before its host is asked (a HEAD for its files) whether
 * it still answers, and how long that answer may take. Not a limit on the start itself: the
 * WebAssembly is ~34 MB, minutes on a slow link, so while the host answers the start goes on and
 * the host is asked again as long again later. A healthy host answers a HEAD in well under a
 * second, on a slow link too, so 15 s without one means it is not answering. Tests set the worker
 * global `__parleyDuckStallMs` to a shorter time (one build serves every test).
 */
const STALL_MS = 15_000;

function stallMs(): number {
  const v = (self as unknown as { __parleyDuckStallMs?: unknown }).__parleyDuckStallMs;
  return typeof v === 'number' && v > 0 ? v : STALL_MS;
}

/** A start that failed for a reason already found out: its message is the one to show. */
class StartProblem extends Error {}

/** Rejects once the start has stalled and its host does not answer for its files either. */
function stallGuard(urls: readonly string[]): { stalled: Promise<never>; stop: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const stalled = new Promise<never>((_, reject) => {
    const check = async (): Promise<void> => {
      for (const url of urls) {
        const problem = await fetchProblem(url, stallMs());
        if (stopped) return;
        if (problem) return reject(new StartProblem(problem));
      }
      timer = setTimeout(() => void check(), stallMs());
    };
    timer = setTimeout(() => void check(), stallMs());
  });
  // A guard that rejects while the start fails for another reason: nobody awaits it then.
  stalled.catch(() => undefined);
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
  };
  return { stalled, stop };
}

export async function startDuck(mark: (name: string) => void = () => undefined): Promise<Duck> {
  // Absolute: the guard's own URL is a blob, against which nothing relative resolves.
  const wasmUrl = new URL(ehWasmUrl, self.location.href).href;
  const workerUrl = new URL(ehWorkerUrl, self.location.href).href;
  const { worker, revoke } = guardedWorker(workerUrl);
  const { failed, stop } = workerFailure(worker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  // The worker script too: instantiate waits on it before it asks for the WebAssembly.
  const guard = stallGuard([wasmUrl, workerUrl]);
  try {
    await Promise.race([db.instantiate(wasmUrl), failed, guard.stalled]);
    guard.stop();
    mark('engine:duckdb-instantiated');
    await Promise.race([db.open({ query: { castBigIntToDouble: false } }), failed]);
    const conn = await db.connect();
    return { db, conn };
  } catch (err) {
    guard.stop();
    await db.terminate();
    const problem =
      err instanceof StartProblem
        ? err.message
        : ((await fetchProblem(wasmUrl, stallMs())) ?? (await fetchProblem(workerUrl, stallMs())));
    throw new Error(problem ?? (err instanceof Error ? err.message : String(err)), { cause: err });
  } finally {
    stop();
    revoke();
  }
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
