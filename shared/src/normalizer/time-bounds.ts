/**
 * The latest time a row may carry: the last microsecond of year 9999. OTLP/JSON sends times as
 * decimal strings of any length, and a time past what a Parquet TIMESTAMP, DuckDB and an ISO
 * date hold would be acknowledged, then fail every flush of the WAL behind it.
 */
export const MAX_TIME_US = Date.UTC(10000, 0, 1) * 1000 - 1;

/** A finite time from the epoch up to MAX_TIME_US, in µs. */
export function isStorableTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_TIME_US;
}
