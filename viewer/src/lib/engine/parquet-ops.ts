/**
 * parquet-wasm and the reading of its Arrow output, as a chunk the data worker imports on demand
 * apart from DuckDB-WASM: a session's rows are read with it before DuckDB is up (a link that opens
 * a conversation shows it without waiting seconds for DuckDB's compile), and summaries are loaded
 * into DuckDB with it. Import types only from elsewhere.
 */
export { fileToIpc, startParquetWasm } from './arrow-load.ts';
export { selectIpcRows } from './ipc-rows.ts';

export type ParquetOps = typeof import('./parquet-ops.ts');
