/**
 * Everything that needs DuckDB-WASM, Apache Arrow or parquet-wasm, as one chunk the data worker
 * imports on demand: the worker's own script stays small, so the first page (computed without
 * DuckDB) does not wait for this code to load. Import types only from elsewhere.
 */
import type { Duck } from './duck.ts';

export { insertBatch, queryRows, resetTables, startDuck, type Duck } from './duck.ts';
export { insertIpc } from './arrow-load.ts';
export { sessionsParquet } from './export-parquet.ts';

export type DuckOps = typeof import('./duck-ops.ts');

/** A started DuckDB with the functions that use it. */
export interface DuckSide {
  duck: Duck;
  ops: DuckOps;
}
