/**
 * Whole-file loads (session summaries, spans of sources without summaries) through parquet-wasm:
 * Parquet bytes -> Arrow IPC in WebAssembly -> DuckDB, with no per-value JavaScript work. Measured
 * in Chromium on the benchmark snapshot: 1.8–2.9x faster than decoding with hyparquet (see
 * docs/benchmarks.md), which stays the reader for range reads of single sessions.
 */
import initParquetWasm, { readParquet } from 'parquet-wasm/esm';
import parquetWasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { parquetMetadata } from 'hyparquet';
import { Table, tableFromIPC, tableToIPC, type RecordBatch } from 'apache-arrow';
import { ENGINE_TABLES, type EngineTable } from './engine-tables.ts';
import type { Duck } from './duck.ts';
import { EngineFailure } from './errors.ts';
import { columnNames } from './parquet-read.ts';

let ready: Promise<unknown> | null = null;

/** Starts compiling the reader's wasm (with DuckDB's: only loading DuckDB needs it). */
export function startParquetWasm(): Promise<unknown> {
  ready ??= initParquetWasm({ module_or_path: parquetWasmUrl });
  return ready;
}

/** Arrow IPC of the wanted columns (those present in the file) of a Parquet file, all or some row groups. */
export async function fileToIpc(
  bytes: ArrayBuffer,
  wanted: readonly string[],
  label: string,
  rowGroups?: number[],
): Promise<Uint8Array> {
  await startParquetWasm();
  let present: string[];
  try {
    present = columnNames(parquetMetadata(bytes));
  } catch (err) {
    throw new EngineFailure({
      kind: 'not-parquet',
      message: `${label} is not a readable Parquet file (${err instanceof Error ? err.message : String(err)}).`,
    });
  }
  const columns = wanted.filter((c) => present.includes(c));
  return readParquet(new Uint8Array(bytes), rowGroups ? { columns, rowGroups } : { columns }).intoIPCStream();
}

let stageSeq = 0;

/**
 * One IPC stream per distinct schema: each DuckDB insert is a round trip to its worker (169 small
 * files inserted one by one took seconds), so the files' record batches travel together.
 */
export function mergeIpcStreams(streams: readonly Uint8Array[]): Uint8Array[] {
  const groups = new Map<string, RecordBatch[]>();
  for (const s of streams) {
    const t = tableFromIPC(s);
    const key = t.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
    groups.set(key, [...(groups.get(key) ?? []), ...t.batches]);
  }
  return [...groups.values()].map((batches) => tableToIPC(new Table(batches), 'stream'));
}

/**
 * Appends IPC streams to a table: all into one staging table, then one INSERT of the columns
 * present (missing ones stay NULL; Arrow types are cast to the table's). `isCurrent` guards
 * against inserting into the tables of a source opened since.
 */
export async function insertIpc(
  duck: Duck,
  table: EngineTable,
  streams: readonly Uint8Array[],
  isCurrent: () => boolean,
): Promise<void> {
  if (streams.length === 0 || !isCurrent()) return;
  for (const stream of mergeIpcStreams(streams)) {
    const stage = `ipc_stage_${++stageSeq}`;
    try {
      await duck.conn.insertArrowFromIPCStream(stream, { name: stage, create: true });
      if (!isCurrent()) return;
      const staged = new Set(
        (await duck.conn.query(`SELECT column_name FROM (DESCRIBE ${stage})`))
          .toArray()
          .map((r) => String(r.column_name)),
      );
      const present = ENGINE_TABLES[table].filter((c) => staged.has(c.name)).map((c) => `"${c.name}"`);
      await duck.conn.query(
        `INSERT INTO ${table} (${present.join(', ')}) SELECT ${present.join(', ')} FROM ${stage}`,
      );
    } finally {
      await duck.conn.query(`DROP TABLE IF EXISTS ${stage}`);
    }
  }
}
