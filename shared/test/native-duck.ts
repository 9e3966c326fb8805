/**
 * One in-memory native DuckDB for a test file, with one thread like DuckDB-WASM: the reference
 * the JavaScript fast paths are compared with.
 */
import { afterAll, beforeAll } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Opens it before the file's tests and closes it after; call the result for the connection. */
export function nativeDuck(): () => DuckDBConnection {
  let db: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:', { threads: '1' });
    conn = await db.connect();
  });
  afterAll(() => {
    conn?.closeSync();
    db?.closeSync();
  });
  return () => {
    if (!conn) throw new Error('native DuckDB is not open yet');
    return conn;
  };
}
