/**
 * A flush's rows split into their hour partitions and put in each table's file order, in JS, with
 * what the manifest records of each partition. DuckDB then only streams each partition's rows
 * into Parquet: it neither holds the group in a table nor sorts it, which took twice its time
 * per flush (docs/benchmarks.md, seventh pass).
 *
 * The order and the statistics must be what DuckDB gives for LAYOUTS (table-layout.ts):
 * ascending, NULLs last, VARCHAR compared as UTF-8 bytes. The tests hold both against DuckDB.
 */
import type { MessageRow, SpanRow } from '@parley/shared/rows';
import type { PartitionRows } from './partition-writer.ts';

const US_PER_HOUR = 3_600_000_000;

/** The fields of a row that order it and describe its partition. */
export type OrderedSpan = Pick<
  SpanRow,
  'session_id' | 'trace_id' | 'span_id' | 'start_time' | 'end_time' | 'model'
>;
export type OrderedMessage = Pick<
  MessageRow,
  'session_id' | 'trace_id' | 'span_id' | 'start_time' | 'seq' | 'model'
>;

export interface FlushPartition<R> {
  /** The partition's rows in file order. */
  rows: R[];
  stats: PartitionRows;
}

/**
 * UTF-16 code units sort like UTF-8 bytes except where a surrogate (a character beyond U+FFFF)
 * meets U+E000..U+FFFF: moving the surrogates above that range gives code point order, which is
 * UTF-8 byte order.
 */
function codePointUnit(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Strings in UTF-8 byte order, as DuckDB compares VARCHAR. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointUnit(x) - codePointUnit(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Ascending, NULLs last. */
function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareUtf8(a, b);
}

/** `session_id, CASE WHEN session_id IS NULL THEN trace_id END, start_time, span_id`. */
function compareSessionFirst(a: OrderedSpan | OrderedMessage, b: OrderedSpan | OrderedMessage): number {
  return (
    compareNullable(a.session_id, b.session_id) ||
    (a.session_id === null ? compareNullable(a.trace_id, b.trace_id) : 0) ||
    a.start_time - b.start_time ||
    compareNullable(a.span_id, b.span_id)
  );
}

export function compareSpans(a: OrderedSpan, b: OrderedSpan): number {
  return compareSessionFirst(a, b);
}

export function compareMessages(a: OrderedMessage, b: OrderedMessage): number {
  return compareSessionFirst(a, b) || a.seq - b.seq;
}

function statsOf(
  hourUs: number,
  rows: ReadonlyArray<OrderedSpan | OrderedMessage>,
  maxTime: (row: never) => number,
): PartitionRows {
  let minUs = Number.POSITIVE_INFINITY;
  let maxUs = Number.NEGATIVE_INFINITY;
  let minSession: string | null = null;
  let maxSession: string | null = null;
  const models = new Set<string>();
  for (const row of rows) {
    minUs = Math.min(minUs, row.start_time);
    maxUs = Math.max(maxUs, maxTime(row as never));
    if (row.model !== null) models.add(row.model);
    const session = row.session_id;
    if (session === null) continue;
    if (minSession === null || compareUtf8(session, minSession) < 0) minSession = session;
    if (maxSession === null || compareUtf8(session, maxSession) > 0) maxSession = session;
  }
  return {
    hourUs,
    rows: rows.length,
    minUs,
    maxUs,
    models: [...models].sort(compareUtf8),
    minSession,
    maxSession,
  };
}

function partitioned<R extends OrderedSpan | OrderedMessage>(
  rows: readonly R[],
  compare: (a: R, b: R) => number,
  maxTime: (row: R) => number,
): Array<FlushPartition<R>> {
  const byHour = new Map<number, R[]>();
  for (const row of rows) {
    const hourUs = Math.floor(row.start_time / US_PER_HOUR) * US_PER_HOUR;
    const list = byHour.get(hourUs);
    if (list === undefined) byHour.set(hourUs, [row]);
    else list.push(row);
  }
  return [...byHour.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([hourUs, list]) => ({
      rows: list.sort(compare),
      stats: statsOf(hourUs, list, maxTime as (row: never) => number),
    }));
}

/** Span rows by the hour of their start; a span's partition ends at its latest end. */
export function spanPartitions<R extends OrderedSpan>(rows: readonly R[]): Array<FlushPartition<R>> {
  return partitioned(rows, compareSpans, (row) => row.end_time);
}

/** Message rows by the hour of their start (their span's). */
export function messagePartitions<R extends OrderedMessage>(rows: readonly R[]): Array<FlushPartition<R>> {
  return partitioned(rows, compareMessages, (row) => row.start_time);
}
