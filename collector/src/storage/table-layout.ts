/**
 * How each table is laid out in Parquet: which time partitions it, how rows are ordered (one
 * session's rows together, so a session is a few HTTP range reads), and what the manifest records.
 */
import { TABLES } from '@parley/shared/schema';
import type { TableName } from '@parley/shared/schema';

export interface TableLayout {
  table: TableName;
  /** Column whose UTC hour is the partition (a span's start). */
  partitionTime: string;
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
    minTime: 'start_time',
    maxTime: 'end_time',
    modelsAgg: 'list_sort(list_distinct(list(model) FILTER (model IS NOT NULL)))',
    orderBy: `${SESSION_FIRST}, start_time, span_id`,
    rowGroupSize: 10_000,
  },
  messages: {
    table: 'messages',
    partitionTime: 'start_time',
    minTime: 'start_time',
    maxTime: 'start_time',
    modelsAgg: 'list_sort(list_distinct(list(model) FILTER (model IS NOT NULL)))',
    orderBy: `${SESSION_FIRST}, start_time, span_id, seq`,
    // Message rows carry the full text: smaller groups keep one session's read small.
    rowGroupSize: 5_000,
  },
  sessions: {
    table: 'sessions',
    partitionTime: 'first_time',
    minTime: 'first_time',
    maxTime: 'last_time',
    modelsAgg: 'list_sort(list_distinct(flatten(list(models))))',
    orderBy: 'session_id, trace_id, first_time',
    rowGroupSize: 10_000,
  },
};

export function quoted(name: string): string {
  return `"${name}"`;
}

/** The table's columns in contract order, for SELECT lists. */
export function columnList(table: TableName): string {
  return TABLES[table].map((c) => quoted(c.name)).join(', ');
}
