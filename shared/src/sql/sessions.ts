/**
 * The sessions table (one page, with the total), its export, and the model list of the filter
 * bar, over the per-session rollup (filters.ts). In the viewer, build the rollup table once with
 * CREATE_SESSION_ROLLUP_SQL and pass `{ rollup: true }`: each filter change is then a scan of one
 * row per session instead of a re-aggregation of the summaries.
 */
import type { SortKey, ViewState } from '../view.ts';
import { type SourceOptions, sessionConditions, sessionRollup, whereClause } from './filters.ts';
import { Params, type SqlQuery } from './query.ts';

/** Sort expressions over the aggregated columns, by SortKey: the only sort text put in SQL. */
const SORT_SQL: Record<SortKey, (a: string) => string> = {
  last_time: (a) => `${a}last_us`,
  first_time: (a) => `${a}first_us`,
  duration: (a) => `(${a}last_us - ${a}first_us)`,
  llm_calls: (a) => `${a}llm_calls`,
  input_tokens: (a) => `${a}input_tokens`,
  output_tokens: (a) => `${a}output_tokens`,
  cached_input_tokens: (a) => `${a}cached_input_tokens`,
  total_cost_usd: (a) => `${a}total_cost_usd`,
  errors: (a) => `${a}errors`,
  session_id: (a) => `${a}key`,
};

/**
 * ORDER BY for the view's sort over columns of `alias`; unknown values fall back to the default.
 * Keys are unique: the tiebreak.
 */
function orderBy(view: ViewState, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const expr = (SORT_SQL[view.sort.key] ?? SORT_SQL.last_time)(a);
  const dir = view.sort.dir === 'asc' ? 'ASC' : 'DESC';
  // Unpriced sessions (NULL cost) and sessions whose calls reported no tokens (NULL tokens) sort
  // last in both directions: "no price" is not "cheapest", "not reported" is not "fewest".
  return `ORDER BY ${expr} ${dir} NULLS LAST, ${a}key ASC`;
}

/**
 * One page of sessions. Result: one row per session of the page, each with `total` (sessions
 * matching the filters); when the page is past the end, a single row with `total` and NULL key.
 * Map it with mapSessionsPage.
 */
export function sessionsPage(view: ViewState, nowUs: number, options: SourceOptions = {}): SqlQuery {
  const p = new Params();
  const page = Number.isSafeInteger(view.page) && view.page >= 1 ? view.page : 1;
  const size = Number.isSafeInteger(view.pageSize) && view.pageSize >= 1 ? view.pageSize : 50;
  // Not materialized: copying every selected rollup row (models lists included) cost more than
  // filtering twice, once for the count and once for the top-N page (about a third of the page
  // time in native DuckDB on 100k sessions, 2026-11-26).
  const sql = `WITH selected AS NOT MATERIALIZED (
  SELECT * FROM ${sessionRollup(options)} AS r ${whereClause(sessionConditions(view, nowUs, p, 'r'))}
),
total AS (SELECT count(*) AS total FROM selected),
page AS (SELECT * FROM selected ${orderBy(view)} LIMIT ${p.int(size)} OFFSET ${p.int((page - 1) * size)})
SELECT total.total, page.* FROM total LEFT JOIN page ON true
${orderBy(view, 'page')}`;
  return p.query(sql);
}

/**
 * Every session the view selects (all pages), in the view's order, same columns as a page: for
 * exports. Map it with mapSessionsPage.
 */
export function sessionsAll(view: ViewState, nowUs: number, options: SourceOptions = {}): SqlQuery {
  const p = new Params();
  const sql = `SELECT count(*) OVER () AS total, r.* FROM ${sessionRollup(options)} AS r
${whereClause(sessionConditions(view, nowUs, p, 'r'))}
${orderBy(view, 'r')}`;
  return p.query(sql);
}

/**
 * Models present in the sessions the view selects, ignoring the model filter itself, with how
 * many sessions used each; most used first. Map it with mapModelCounts.
 */
export function modelCounts(view: ViewState, nowUs: number, options: SourceOptions = {}): SqlQuery {
  const p = new Params();
  const where = whereClause(sessionConditions(view, nowUs, p, 'r', { ignoreModels: true }));
  const sql = `SELECT model, count(*) AS sessions
FROM (SELECT unnest(r.models) AS model FROM ${sessionRollup(options)} AS r ${where})
WHERE model IS NOT NULL
GROUP BY model
ORDER BY sessions DESC, model ASC`;
  return p.query(sql);
}
