/**
 * SQL for the `sessions` table: one row per (session, partition), or per trace when the trace
 * has no session. Summaries are built from span rows at flush and snapshot time, and re-aggregated
 * from summary rows when compaction merges files, so totals always equal the sum over spans.
 */

import { LAYOUTS } from './table-layout.ts';

const KEY = `session_id, CASE WHEN session_id IS NULL THEN trace_id END`;
const UNIT = LAYOUTS.sessions.partitionUnit;

/** `source` must be a table of span rows with TIMESTAMP times (a fixed identifier, not input). */
export function summariesFromSpansSql(source: string): string {
  return `
SELECT
  session_id,
  CASE WHEN session_id IS NULL THEN trace_id END AS trace_id,
  min(start_time) AS first_time,
  max(end_time) AS last_time,
  count(*)::BIGINT AS spans,
  count(*) FILTER (is_llm_call)::BIGINT AS llm_calls,
  coalesce(sum(input_tokens) FILTER (is_llm_call), 0)::BIGINT AS input_tokens,
  coalesce(sum(output_tokens) FILTER (is_llm_call), 0)::BIGINT AS output_tokens,
  coalesce(sum(cached_input_tokens) FILTER (is_llm_call), 0)::BIGINT AS cached_input_tokens,
  coalesce(sum(reasoning_tokens) FILTER (is_llm_call), 0)::BIGINT AS reasoning_tokens,
  sum(total_cost_usd) FILTER (is_llm_call) AS total_cost_usd,
  count(*) FILTER (is_llm_call AND total_cost_usd IS NULL)::BIGINT AS unpriced_calls,
  count(*) FILTER (is_llm_call AND status_code = 'ERROR')::BIGINT AS errors,
  coalesce(list_sort(list_distinct(list(model) FILTER (is_llm_call AND model IS NOT NULL))), []::VARCHAR[]) AS models,
  any_value(user_id) AS user_id,
  any_value(service_name) AS service_name
FROM ${source}
GROUP BY date_trunc('${UNIT}', start_time), ${KEY}`;
}

/** Merge summary rows of the same partition (compaction). */
export function reaggregateSummariesSql(source: string): string {
  return `
SELECT
  session_id,
  trace_id,
  min(first_time) AS first_time,
  max(last_time) AS last_time,
  sum(spans)::BIGINT AS spans,
  sum(llm_calls)::BIGINT AS llm_calls,
  sum(input_tokens)::BIGINT AS input_tokens,
  sum(output_tokens)::BIGINT AS output_tokens,
  sum(cached_input_tokens)::BIGINT AS cached_input_tokens,
  sum(reasoning_tokens)::BIGINT AS reasoning_tokens,
  sum(total_cost_usd) AS total_cost_usd,
  sum(unpriced_calls)::BIGINT AS unpriced_calls,
  sum(errors)::BIGINT AS errors,
  coalesce(list_sort(list_distinct(flatten(list(models)))), []::VARCHAR[]) AS models,
  any_value(user_id) AS user_id,
  any_value(service_name) AS service_name
FROM ${source}
GROUP BY date_trunc('${UNIT}', first_time), session_id, trace_id`;
}
