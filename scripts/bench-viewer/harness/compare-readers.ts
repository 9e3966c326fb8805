// Bench only: decodes the same Parquet bytes with hyparquet (to JS columns, as the engine does) and
// with parquet-wasm (to Arrow IPC, ready for DuckDB), in this browser.
import initParquetWasm, { readParquet } from 'parquet-wasm/esm';
import parquetWasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import {
  allRows,
  decodeWhole,
  readColumns,
  readMetadata,
} from '../../../viewer/src/lib/engine/parquet-read.ts';

export interface ReaderTimes {
  files: number;
  bytes: number;
  rows: number;
  hyparquetMs: number;
  parquetWasmInitMs: number;
  parquetWasmMs: number;
}

/** Each reader decodes `columns` of every file (bytes already fetched) to JS columns / Arrow IPC. */
export async function compareReaders(urls: string[], columns: string[]): Promise<ReaderTimes> {
  const buffers = await Promise.all(urls.map(async (u) => (await fetch(u)).arrayBuffer()));
  let rows = 0;
  const t0 = performance.now();
  for (const b of buffers) {
    const file = { byteLength: b.byteLength, slice: async (s: number, e?: number) => b.slice(s, e) };
    const m = await readMetadata(file, 'file');
    rows += (await readColumns(file, m, columns, allRows(m))).length;
  }
  const hyparquetMs = performance.now() - t0;
  const t1 = performance.now();
  await initParquetWasm(parquetWasmUrl);
  const parquetWasmInitMs = performance.now() - t1;
  const t2 = performance.now();
  let wasmRows = 0;
  for (const b of buffers) {
    const table = readParquet(new Uint8Array(b), { columns });
    wasmRows += table.recordBatches().reduce((n, batch) => n + batch.numRows, 0);
    table.intoIPCStream();
  }
  const parquetWasmMs = performance.now() - t2;
  if (wasmRows !== rows) throw new Error(`readers disagree: ${rows} vs ${wasmRows} rows`);
  return {
    files: urls.length,
    bytes: buffers.reduce((n, b) => n + b.byteLength, 0),
    rows,
    hyparquetMs,
    parquetWasmInitMs,
    parquetWasmMs,
  };
}

export interface SummaryDecodeTimes {
  bytes: number;
  /** The fast path's ranking columns (key and times) of every row. */
  keyMs: number;
  /** Then every column the page shows, of every row. */
  allMs: number;
}

/** hyparquet decode of summary files as the fast path does it (whole files in memory), cold. */
export async function decodeSummaries(
  urls: string[],
  keyColumns: string[],
  allColumns: string[],
): Promise<SummaryDecodeTimes> {
  const buffers = await Promise.all(urls.map(async (u) => (await fetch(u)).arrayBuffer()));
  const files = await Promise.all(
    buffers.map(async (b) => {
      const file = { byteLength: b.byteLength, slice: (s: number, e?: number) => b.slice(s, e) };
      return { file, metadata: await readMetadata(file, 'file') };
    }),
  );
  const t0 = performance.now();
  await Promise.all(files.map((f) => decodeWhole(f.file, f.metadata, keyColumns)));
  const t1 = performance.now();
  await Promise.all(files.map((f) => decodeWhole(f.file, f.metadata, allColumns)));
  const t2 = performance.now();
  return { bytes: buffers.reduce((n, b) => n + b.byteLength, 0), keyMs: t1 - t0, allMs: t2 - t1 };
}
