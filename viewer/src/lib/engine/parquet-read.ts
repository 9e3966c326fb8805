/** Reads selected columns and row ranges of one Parquet file into plain column arrays. */
import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import type { Compressors } from 'hyparquet';
import type { TableName } from '@parley/shared/schema';
import { EngineFailure } from './errors.ts';
import { readFlatColumn } from './flat-column.ts';
import { snappyDecompress } from './snappy.ts';
import type { RowRange } from './row-groups.ts';

const utf8 = new TextDecoder();

/**
 * Short ASCII strings (ids, model names) without TextDecoder, whose per-call overhead dominates
 * for them: 100k session ids decode several times faster. Anything else goes to TextDecoder.
 */
export function stringFromBytes(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes) return undefined;
  if (bytes.length > 64) return utf8.decode(bytes);
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return utf8.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Timestamps stay microseconds since epoch as numbers (exact until year 2255). */
export const PARSERS = {
  timestampFromMicroseconds: (us: bigint): number => Number(us),
  timestampFromMilliseconds: (ms: bigint): number => Number(ms) * 1000,
  timestampFromNanoseconds: (ns: bigint): number => Number(ns / 1000n),
  stringFromBytes,
};

const OWN_CODECS: Compressors = { SNAPPY: snappyDecompress };
let extraCodecs: Promise<Compressors> | null = null;

/**
 * Decoders for the file's codecs: Snappy is ours (snappy.ts); ZSTD, gzip, Brotli, LZ4 come from
 * hyparquet-compressors, loaded on first need so the worker's script stays small.
 */
function compressorsFor(metadata: FileMetaData): Compressors | Promise<Compressors> {
  const own = metadata.row_groups.every((g) =>
    g.columns.every(
      (c) => !c.meta_data || c.meta_data.codec === 'SNAPPY' || c.meta_data.codec === 'UNCOMPRESSED',
    ),
  );
  if (own) return OWN_CODECS;
  extraCodecs ??= import('hyparquet-compressors').then((m) => ({ ...m.compressors, ...OWN_CODECS }));
  return extraCodecs;
}

export interface ColumnBatch {
  length: number;
  columns: Record<string, unknown[]>;
  /** stringHash() of each value of some string columns (see readFlatColumn). */
  hashes?: Record<string, Int32Array>;
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
  const compressors = await compressorsFor(metadata);
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

/**
 * The wanted columns readFlatColumn reads (with `groups`, the rows of those row groups only), and
 * the names of the others (lists), for hyparquet. Missing columns are in neither.
 */
async function readFlatColumns(
  file: AsyncBuffer,
  metadata: FileMetaData,
  wanted: readonly string[],
  compressors: Compressors,
  groups?: ReadonlySet<number>,
): Promise<{ columns: Record<string, unknown[]>; hashes: Record<string, Int32Array>; nested: string[] }> {
  const present = new Set(columnNames(metadata));
  const columns: Record<string, unknown[]> = {};
  const hashes: Record<string, Int32Array> = {};
  const nested: string[] = [];
  for (const name of wanted) {
    if (!present.has(name)) continue;
    const flat = await readFlatColumn(file, metadata, name, PARSERS, compressors, groups);
    if (!flat) nested.push(name);
    else {
      columns[name] = flat.values;
      if (flat.hashes) hashes[name] = flat.hashes;
    }
  }
  return { columns, hashes, nested };
}

/**
 * Every row of the wanted columns of a file held in memory. Flat columns are decoded by
 * readFlatColumn, others (lists) by hyparquet. Missing columns are absent.
 */
export async function decodeWhole(
  file: AsyncBuffer,
  metadata: FileMetaData,
  wanted: readonly string[],
): Promise<ColumnBatch> {
  const compressors = await compressorsFor(metadata);
  const { columns: out, hashes, nested } = await readFlatColumns(file, metadata, wanted, compressors);
  if (nested.length === 0) return { length: Number(metadata.num_rows), columns: out, hashes };
  const chunks = new Map<string, Array<{ at: number; data: ArrayLike<unknown> }>>(nested.map((c) => [c, []]));
  await parquetRead({
    file,
    metadata,
    columns: nested,
    compressors,
    parsers: PARSERS,
    onChunk: (chunk) =>
      chunks
        .get(chunk.columnName)
        ?.push({ at: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> }),
  });
  for (const [name, parts] of chunks) {
    parts.sort((a, b) => a.at - b.at);
    out[name] = parts.length === 1 ? (parts[0]?.data as unknown[]) : concat(parts, Number(metadata.num_rows));
  }
  return { length: Number(metadata.num_rows), columns: out, hashes };
}

/** Row-group chunks (in row order) as one array, copied once. */
function concat(parts: ReadonlyArray<{ data: ArrayLike<unknown> }>, length: number): unknown[] {
  const out = new Array<unknown>(length);
  let at = 0;
  for (const { data } of parts) for (let i = 0; i < data.length; i++) out[at++] = data[i];
  out.length = at;
  return out;
}

/**
 * The wanted columns for some rows (ascending row numbers) of a file held in memory: only their
 * row groups are decoded. Arrays are indexed by row number; other rows are left empty.
 */
export async function decodeRows(
  file: AsyncBuffer,
  metadata: FileMetaData,
  wanted: readonly string[],
  rows: readonly number[],
): Promise<ColumnBatch> {
  if (rows.length === 0) return { length: Number(metadata.num_rows), columns: {} };
  const groups = new Set<number>();
  let start = 0;
  let r = 0;
  for (const [index, g] of metadata.row_groups.entries()) {
    const end = start + Number(g.num_rows);
    if (r < rows.length && (rows[r] as number) < end) {
      groups.add(index);
      while (r < rows.length && (rows[r] as number) < end) r++;
    }
    start = end;
  }
  return decodeGroups(file, metadata, wanted, groups);
}

/**
 * The wanted columns of some row groups of a file held in memory. Arrays are indexed by row
 * number; the rows of other groups are left empty (undefined, not NULL).
 */
export async function decodeGroups(
  file: AsyncBuffer,
  metadata: FileMetaData,
  wanted: readonly string[],
  groups: ReadonlySet<number>,
): Promise<ColumnBatch> {
  const length = Number(metadata.num_rows);
  if (groups.size === 0) return { length, columns: {} };
  const ranges: RowRange[] = [];
  let start = 0;
  for (const [index, g] of metadata.row_groups.entries()) {
    const end = start + Number(g.num_rows);
    if (groups.has(index)) {
      const last = ranges[ranges.length - 1];
      if (last && last.end === start) last.end = end;
      else ranges.push({ start, end });
    }
    start = end;
  }
  const compressors = await compressorsFor(metadata);
  // Hashes of a few row groups are not every row's: not returned.
  const { columns, nested } = await readFlatColumns(file, metadata, wanted, compressors, groups);
  if (nested.length === 0) return { length, columns };
  const compact = await readColumns(file, metadata, nested, ranges);
  for (const [name, values] of Object.entries(compact.columns)) {
    const full = new Array<unknown>(length);
    let at = 0;
    for (const range of ranges) for (let i = range.start; i < range.end; i++) full[i] = values[at++];
    columns[name] = full;
  }
  return { length, columns };
}

export function allRows(metadata: FileMetaData): RowRange[] {
  return [{ start: 0, end: Number(metadata.num_rows) }];
}

/**
 * The rows of several batches for which keep(batch, i) holds, as one batch of the given columns
 * (a column a batch lacks is NULL there), copied once: a long session's ~90,000 message rows were
 * copied by a filter per batch, then again by flatMap.
 */
export function selectRows(
  batches: readonly ColumnBatch[],
  columns: readonly string[],
  keep: (batch: ColumnBatch, i: number) => boolean,
): ColumnBatch {
  const kept = batches.map((b) => {
    const idx: number[] = [];
    for (let i = 0; i < b.length; i++) if (keep(b, i)) idx.push(i);
    return idx;
  });
  const length = kept.reduce((n, idx) => n + idx.length, 0);
  const out: Record<string, unknown[]> = {};
  for (const c of columns) {
    const target = new Array<unknown>(length);
    let at = 0;
    batches.forEach((b, k) => {
      const values = b.columns[c];
      for (const i of kept[k] as number[]) target[at++] = values ? values[i] : null;
    });
    out[c] = target;
  }
  return { length, columns: out };
}
