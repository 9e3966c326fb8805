/**
 * Sessions as the sessions page sees them: the per-partition `sessions` summaries re-aggregated
 * into one row per session key (session id, or 'trace:<trace_id>'), and the view's filters over
 * those rows. The aggregation is either inlined in each query or read from a table the engine
 * built once (SESSION_ROLLUP_TABLE): same columns, same results.
 */
import { searchNeedle } from '../search-needle.ts';
import type { ViewState } from '../view.ts';
import { type Params, TRACE_KEY_PREFIX } from './query.ts';
import { resolveTimeRange } from './time.ts';

export const SESSION_ROLLUP_TABLE = 'session_rollup';

/**
 * One row per session: key, session_id, trace_id (sessionless traces only), first_us, last_us,
 * spans, llm_calls, tokens (each NULL when no row has it), total_cost_usd (NULL when nothing is
 * priced), unpriced_calls, errors,
 * models (sorted, distinct). Grouping by (session_id, tid) is cheaper than by the key string.
 */
export const SESSION_ROLLUP_SELECT = `SELECT
    coalesce(s.session_id, '${TRACE_KEY_PREFIX}' || s.tid) AS key,
    s.session_id AS session_id,
    s.tid AS trace_id,
    epoch_us(min(s.first_time)) AS first_us,
    epoch_us(max(s.last_time)) AS last_us,
    CAST(sum(s.spans) AS BIGINT) AS spans,
    CAST(sum(s.llm_calls) AS BIGINT) AS llm_calls,
    CAST(sum(s.input_tokens) AS BIGINT) AS input_tokens,
    CAST(sum(s.output_tokens) AS BIGINT) AS output_tokens,
    CAST(sum(s.cached_input_tokens) AS BIGINT) AS cached_input_tokens,
    CAST(sum(s.total_cost_usd) AS DOUBLE) AS total_cost_usd,
    CAST(sum(s.unpriced_calls) AS BIGINT) AS unpriced_calls,
    CAST(sum(s.errors) AS BIGINT) AS errors,
    list_sort(list_distinct(flatten(list(s.models)))) AS models
  FROM (SELECT x.*, CASE WHEN x.session_id IS NULL THEN x.trace_id END AS tid FROM sessions x) AS s
  GROUP BY s.session_id, s.tid`;

/**
 * Builds the rollup table once, after the `sessions` rows are loaded (fixed SQL, no parameters).
 * Queries built with `{ rollup: true }` read it; run it again whenever `sessions` changes.
 */
export const CREATE_SESSION_ROLLUP_SQL = `CREATE OR REPLACE TABLE ${SESSION_ROLLUP_TABLE} AS ${SESSION_ROLLUP_SELECT}`;

export interface SourceOptions {
  /** Read the prebuilt SESSION_ROLLUP_TABLE instead of aggregating `sessions` in the query. */
  rollup?: boolean;
}

/** The per-session relation, for a FROM clause (the caller adds the alias). */
export function sessionRollup(options: SourceOptions = {}): string {
  return options.rollup ? SESSION_ROLLUP_TABLE : `(${SESSION_ROLLUP_SELECT})`;
}

/**
 * WHERE conditions over a rollup row aliased `alias` for the view's filters:
 * - search: case-insensitive substring of the key (see searchNeedle); contains() has no metacharacters;
 * - time: the session's span of activity [first, last] overlaps the range;
 * - models (unless ignored, as for the model list): the session used any of them.
 */
export function sessionConditions(
  view: ViewState,
  nowUs: number,
  p: Params,
  alias: string,
  options: { ignoreModels?: boolean } = {},
): string[] {
  const where: string[] = [];
  const search = searchNeedle(view.search);
  if (search !== '') where.push(`contains(lower(${alias}.key), lower(${p.text(search)}))`);
  const { fromUs, toUs } = resolveTimeRange(view.time, nowUs);
  if (fromUs !== null) where.push(`${alias}.last_us >= ${p.int(fromUs)}`);
  if (toUs !== null) where.push(`${alias}.first_us <= ${p.int(toUs)}`);
  if (!options.ignoreModels && view.models.length > 0) {
    where.push(`list_has_any(${alias}.models, ${p.textList(view.models)})`);
  }
  return where;
}

export function whereClause(conditions: readonly string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}
