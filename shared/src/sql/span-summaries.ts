/**
 * The `sessions` summary rows computed from span rows, in contract column order: written by the
 * collector per partition, and computed by the viewer for sources that have no summary files. One
 * definition, so the sessions page means the same numbers whichever produced them.
 */

import { sessionKeyHashSql } from './session-key.ts';

/** Summary times come from the span start, so a row belongs to the hour (or day) of its first span. */
export type SummaryPartition = 'hour' | 'day' | null;

/**
 * One row per session (or per trace when it has no session), and per `partition` (hour or day) of
 * the span start unless null. A token sum is NULL when no call of the row reported that figure, so
 * "nothing reported" stays apart from a reported 0 (rows written by earlier versions hold 0 there).
 * `source` must be a relation of span rows with TIMESTAMP times: a fixed identifier or a query
 * built from fixed identifiers, never input.
 */
export function spanSummariesSql(source: string, partition: SummaryPartition): string {
  const byPartition = partition === null ? '' : `date_trunc('${partition}', start_time), `;
  // The trace of a sessionless group: with session_id, the group's key (and its hash's input).
  const sessionlessTrace = 'CASE WHEN session_id IS NULL THEN trace_id END';
  return `
SELECT
  session_id,
  ${sessionlessTrace} AS trace_id,
  min(start_time) AS first_time,
  max(end_time) AS last_time,
  count(*)::BIGINT AS spans,
  count(*) FILTER (is_llm_call)::BIGINT AS llm_calls,
  sum(input_tokens) FILTER (is_llm_call)::BIGINT AS input_tokens,
  sum(output_tokens) FILTER (is_llm_call)::BIGINT AS output_tokens,
  sum(cached_input_tokens) FILTER (is_llm_call)::BIGINT AS cached_input_tokens,
  sum(reasoning_tokens) FILTER (is_llm_call)::BIGINT AS reasoning_tokens,
  sum(total_cost_usd) FILTER (is_llm_call) AS total_cost_usd,
  count(*) FILTER (is_llm_call AND total_cost_usd IS NULL)::BIGINT AS unpriced_calls,
  count(*) FILTER (is_llm_call AND status_code = 'ERROR')::BIGINT AS errors,
  coalesce(list_sort(list_distinct(list(model) FILTER (is_llm_call AND model IS NOT NULL))), []::VARCHAR[]) AS models,
  any_value(user_id) AS user_id,
  any_value(service_name) AS service_name,
  ${sessionKeyHashSql('session_id', sessionlessTrace)} AS session_key
FROM ${source}
GROUP BY ${byPartition}session_id, ${sessionlessTrace}`;
}
