/**
 * One in-process DuckDB per pipeline (or snapshot run), with memory and threads bounded: DuckDB
 * otherwise sizes itself to the machine, and the collector shares 2 cores with its receivers.
 */
import { DuckDBInstance, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';

export interface DuckOptions {
  memoryLimitBytes: number;
  threads: number;
  /** Where DuckDB may spill when a batch exceeds memoryLimitBytes. */
  tempDir: string;
}

/** Parameters: scalars as they are, string arrays as VARCHAR[] (file lists). */
export type Param = string | number | bigint | boolean | null | readonly string[];

export interface Duck {
  run(sql: string, params?: readonly Param[]): Promise<void>;
  rows(sql: string, params?: readonly Param[]): Promise<Array<Record<string, unknown>>>;
  /**
   * The result as one array per column, values as DuckDB's JS mapping (BIGINT as bigint): about
   * a third cheaper than row objects for results of many rows.
   */
  columns(sql: string, params?: readonly Param[]): Promise<Record<string, unknown[]>>;
  /** The memory limit DuckDB was opened with. */
  readonly memoryLimitBytes: number;
  /**
   * Runs `work` with the memory limit raised to at least `bytes`, then puts the previous limit
   * back: the limit bounds the collector's memory, and the few statements that need more (a
   * row of tens of MB, a merge of unusually wide rows) say so.
   */
  withMemoryLimit<T>(bytes: number, work: () => Promise<T>): Promise<T>;
  close(): void;
}

function bind(params: readonly Param[]): { values: DuckDBValue[]; types: Array<DuckDBType | undefined> } {
  const values: DuckDBValue[] = [];
  const types: Array<DuckDBType | undefined> = [];
  for (const p of params) {
    if (Array.isArray(p)) {
      values.push(listValue(p as string[]));
      types.push(LIST(VARCHAR));
    } else {
      values.push(p as DuckDBValue);
      types.push(undefined);
    }
  }
  return { values, types };
}

/** A byte count as DuckDB's setting syntax; always an integer this module computed. */
function limitSetting(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new RangeError(`memory limit must be a positive integer of bytes, got ${bytes}`);
  return `${bytes}B`;
}

/** DuckDB reports running out of its memory limit with this in the error message. */
export function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && err.message.includes('Out of Memory Error');
}

export async function openDuck(options: DuckOptions): Promise<Duck> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: limitSetting(options.memoryLimitBytes),
    threads: String(options.threads),
    temp_directory: options.tempDir,
    // Output order is always explicit (ORDER BY), so DuckDB need not keep insertion order.
    preserve_insertion_order: 'false',
    // DuckDB's allocator keeps what a statement freed (up to 128 MiB by default) for the next
    // one; the collector writes in bursts, so that memory would stay resident between them.
    allocator_flush_threshold: '4MiB',
    allocator_bulk_deallocation_flush_threshold: '4MiB',
  });
  const conn = await instance.connect();
  let currentLimit = options.memoryLimitBytes;
  const setLimit = async (bytes: number): Promise<void> => {
    await conn.run(`SET memory_limit = '${limitSetting(bytes)}'`);
    currentLimit = bytes;
  };
  return {
    memoryLimitBytes: options.memoryLimitBytes,
    async withMemoryLimit(bytes, work) {
      const previous = currentLimit;
      if (bytes <= previous) return work();
      await setLimit(bytes);
      try {
        return await work();
      } finally {
        await setLimit(previous);
      }
    },
    async run(sql, params = []) {
      const { values, types } = bind(params);
      await conn.run(sql, values, types as DuckDBType[]);
    },
    async rows(sql, params = []) {
      const { values, types } = bind(params);
      const reader = await conn.runAndReadAll(sql, values, types as DuckDBType[]);
      return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
    },
    async columns(sql, params = []) {
      const { values, types } = bind(params);
      const reader = await conn.runAndReadAll(sql, values, types as DuckDBType[]);
      return reader.getColumnsObjectJS() as Record<string, unknown[]>;
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
