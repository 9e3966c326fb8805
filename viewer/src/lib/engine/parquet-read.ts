/** Reads selected columns and row ranges of one Parquet file into plain column arrays. */
import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { TableName } from '@parley/shared/schema';
import { EngineFailure } from './errors.ts';
import type { RowRange } from './row-groups.ts';

/** Timestamps stay microseconds since epoch as numbers (exact until year 2255). */
export const PARSERS = {
  timestampFromMicroseconds: (us: bigint): number => Number(us),
  timestampFromMilliseconds: (ms: bigint): number => Number(ms) * 1000,
  timestampFromNanoseconds: (ns: bigint): number => Number(ns / 1000n),
};

export interface ColumnBatch {
  length: number;
  columns: Record<string, unknown[]>;
}

export async function readMetadata(file: AsyncBuffer, label: string): Promise<FileMetaData> {
  if (file.byteLength < 12)
    throw new EngineFailure({ kind: 'not-parquet', message: `${label} is too small to be a Parquet file.` });
  try {
    return await parquetMetadataAsync(file, {
      parsers: PARSERS,
      initialFetchSize: Math.min(file.byteLength, 1 << 16),
    });
  } catch (err) {
    if (err instanceof EngineFailure) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new EngineFailure({
      kind: 'not-parquet',
      message: `${label} is not a readable Parquet file (${detail}).`,
    });
  }
}

export function columnNames(metadata: FileMetaData): string[] {
  return parquetSchema(metadata).children.map((c) => c.element.name);
}

/** Which Parley table a lone Parquet file holds, from its columns. */
export function guessTable(columns: readonly string[]): TableName | null {
  const has = (c: string): boolean => columns.includes(c);
  if (has('llm_calls') && has('first_time') && has('last_time')) return 'sessions';
  if (has('seq') && has('direction') && has('role')) return 'messages';
  if (has('span_id') && has('start_time') && has('trace_id')) return 'spans';
  return null;
}

export async function readColumns(
  file: AsyncBuffer,
  metadata: FileMetaData,
  wanted: readonly string[],
  ranges: readonly RowRange[],
): Promise<ColumnBatch> {
  const present = new Set(columnNames(metadata));
  const columns = wanted.filter((c) => present.has(c));
  const total = ranges.reduce((n, r) => n + (r.end - r.start), 0);
  const out: Record<string, unknown[]> = {};
  for (const c of wanted) out[c] = new Array<unknown>(total).fill(null);
  let offset = 0;
  for (const range of ranges) {
    const base = offset;
    await parquetRead({
      file,
      metadata,
      columns,
      rowStart: range.start,
      rowEnd: range.end,
      compressors,
      parsers: PARSERS,
      onChunk: (chunk) => {
        const target = out[chunk.columnName];
        if (!target) return;
        const from = Math.max(chunk.rowStart, range.start);
        const to = Math.min(chunk.rowEnd, range.end);
        const data = chunk.columnData as ArrayLike<unknown>;
        for (let r = from; r < to; r++) target[base + r - range.start] = data[r - chunk.rowStart] ?? null;
      },
    });
    offset += range.end - range.start;
  }
  return { length: total, columns: out };
}

export function allRows(metadata: FileMetaData): RowRange[] {
  return [{ start: 0, end: Number(metadata.num_rows) }];
}

/** Keeps only the rows for which keep(i) holds. */
export function filterBatch(batch: ColumnBatch, keep: (i: number) => boolean): ColumnBatch {
  const idx: number[] = [];
  for (let i = 0; i < batch.length; i++) if (keep(i)) idx.push(i);
  const columns: Record<string, unknown[]> = {};
  for (const [name, values] of Object.entries(batch.columns)) columns[name] = idx.map((i) => values[i]);
  return { length: idx.length, columns };
}

export function concatBatches(batches: readonly ColumnBatch[], columns: readonly string[]): ColumnBatch {
  const out: Record<string, unknown[]> = {};
  for (const c of columns)
    out[c] = batches.flatMap((b) => b.columns[c] ?? new Array<unknown>(b.length).fill(null));
  return { length: batches.reduce((n, b) => n + b.length, 0), columns: out };
}
