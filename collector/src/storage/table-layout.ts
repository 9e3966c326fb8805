/**
 * How each table is laid out in Parquet: which time partitions it, how rows are ordered (one
 * session's rows together, so a session is a few HTTP range reads), and what the manifest records.
 */
import { TABLES } from '@parley/shared/schema';
import type { TableName } from '@parley/shared/schema';

export interface TableLayout {
  table: TableName;
  /** Column whose UTC hour (or day) is the partition (a span's start). */
  partitionTime: string;
  /** `date=/hour=` directories, or `date=` only. */
  partitionUnit: 'hour' | 'day';
  compression: 'zstd' | 'snappy';
  /** Columns for manifest min_time / max_time. */
  minTime: string;
  maxTime: string;
  /** Aggregate giving the file's distinct models as VARCHAR[]. */
  modelsAgg: string;
  orderBy: string;
  rowGroupSize: number;
}

// Sessionless rows are browsed by trace, so they are clustered by trace after the sessions.
const SESSION_FIRST = 'session_id, CASE WHEN session_id IS NULL THEN trace_id END';

export const LAYOUTS: Record<TableName, TableLayout> = {
  spans: {
    table: 'spans',
    partitionTime: 'start_time',
    partitionUnit: 'hour',
    compression: 'zstd',
    minTime: 'start_time',
    maxTime: 'end_time',
    modelsAgg: 'list_sort(list_distinct(list(model) FILTER (model IS NOT NULL)))',
    orderBy: `${SESSION_FIRST}, start_time, span_id`,
    rowGroupSize: 10_000,
  },
  messages: {
    table: 'messages',
    partitionTime: 'start_time',
    partitionUnit: 'hour',
    compression: 'zstd',
    minTime: 'start_time',
    maxTime: 'start_time',
    modelsAgg: 'list_sort(list_distinct(list(model) FILTER (model IS NOT NULL)))',
    orderBy: `${SESSION_FIRST}, start_time, span_id, seq`,
    // Message rows carry the full text: smaller groups keep one session's read small.
    rowGroupSize: 5_000,
  },
  // The viewer reads every summary row of the time range for its first page, before DuckDB-WASM
  // is up, in plain JavaScript: a few day files decode faster than many hour files, and SNAPPY
  // decodes 2x faster than ZSTD in hyparquet for 20% more bytes (docs/benchmarks.md, viewer).
  // Small groups let it read the detail columns of a page's rows only.
  sessions: {
    table: 'sessions',
    partitionTime: 'first_time',
    partitionUnit: 'day',
    compression: 'snappy',
    minTime: 'first_time',
    maxTime: 'last_time',
    modelsAgg: 'list_sort(list_distinct(flatten(list(models))))',
    orderBy: 'first_time, session_id, trace_id',
    rowGroupSize: 2048,
  },
};

export function quoted(name: string): string {
  return `"${name}"`;
}

/** The table's columns in contract order, for SELECT lists. */
export function columnList(table: TableName): string {
  return TABLES[table].map((c) => quoted(c.name)).join(', ');
}
