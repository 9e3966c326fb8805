/**
 * The session a trace gives its spans stored without one, at query time (the collector inherits
 * only within the batches it has seen): as the normalizer's fallback (normalizer/cross-batch.ts),
 * the session of the trace's root (its earliest root span with one), else the trace's only
 * session. A trace carrying several below a root without one (a batch request serving two
 * conversations) gives none: `sid` is NULL.
 */

/** Tables of span rows: the viewer keeps the spans it reads for a chart apart (CHART_SPANS_TABLE). */
export type SpansTable = 'spans' | 'chart_spans';

/**
 * `trace_id, sid` per trace of `traceIds` (a subquery of trace ids built from fixed SQL and
 * parameters), from the span rows of `table`.
 */
export function traceSessionsSql(traceIds: string, table: SpansTable = 'spans'): string {
  return `SELECT trace_id, coalesce(root_sid, CASE WHEN low = high THEN low END) AS sid FROM (
    SELECT trace_id,
      first(session_id ORDER BY start_time, session_id) FILTER (WHERE parent_span_id IS NULL) AS root_sid,
      min(session_id) AS low, max(session_id) AS high
    FROM ${table}
    WHERE session_id IS NOT NULL AND trace_id IN (${traceIds})
    GROUP BY trace_id
  )`;
}
