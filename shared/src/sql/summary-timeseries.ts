/**
 * Tokens/cost over time from the session summaries, so the chart needs no span rows (the shared
 * `timeseries` query reads spans). Each summary row (one session within one hour, as the collector
 * writes them) counts at its first time, or at the range's start when it began before it, so no
 * bucket lies outside the range. Buckets are an hour at least, so each row falls in the bucket of
 * its calls (rows of older data, one per day, still put a day's calls at its first). Sessions are
 * selected exactly as on the page. Map with mapTimeBuckets.
 */
import type { ViewState } from '../view.ts';
import { SESSION_ROLLUP_TABLE, sessionConditions, whereClause } from './filters.ts';
import { Params, TRACE_KEY_PREFIX } from './query.ts';
import { HOUR_US, resolveTimeRange, seriesBucketUs } from './time.ts';
import type { TimeseriesQuery } from './timeseries.ts';

const SPAN_BUCKET_MAX_US = 5 * 60_000_000;

/**
 * Whether a view's chart is better read from span rows (the shared `timeseries`): when its range
 * is short enough for buckets of five minutes or less (up to ~10 h), which hour rows cannot fill,
 * and which hold few spans. Longer ranges read hour buckets or wider from the summaries.
 */
export function chartReadsSpans(
  view: ViewState,
  nowUs: number,
  extent: { minUs: number; maxUs: number } | null,
): boolean {
  const { fromUs, toUs } = resolveTimeRange(view.time, nowUs);
  return seriesBucketUs(fromUs, toUs, nowUs, extent) <= SPAN_BUCKET_MAX_US;
}

/** Needs the rollup table (CREATE_SESSION_ROLLUP_SQL) built over the loaded summaries. */
export function summaryTimeseries(
  view: ViewState,
  nowUs: number,
  extent: { minUs: number; maxUs: number } | null,
): TimeseriesQuery {
  const p = new Params();
  const { fromUs, toUs } = resolveTimeRange(view.time, nowUs);
  const bucketUs = Math.max(HOUR_US, seriesBucketUs(fromUs, toUs, nowUs, extent));
  const slice: string[] = [];
  if (fromUs !== null) slice.push(`x.last_time >= ${p.timestamp(fromUs)}`);
  if (toUs !== null) slice.push(`x.first_time <= ${p.timestamp(toUs)}`);
  const at =
    fromUs === null ? 'epoch_us(x.first_time)' : `greatest(epoch_us(x.first_time), ${p.int(fromUs)})`;
  const b1 = p.int(bucketUs);
  const b2 = p.int(bucketUs);
  const sql = `WITH picked AS (
  SELECT r.key FROM ${SESSION_ROLLUP_TABLE} AS r ${whereClause(sessionConditions(view, nowUs, p, 'r'))}
)
SELECT (${at} // ${b1}) * ${b2} AS bucket_us,
  CAST(sum(x.llm_calls) AS BIGINT) AS llm_calls,
  CAST(sum(x.input_tokens) AS BIGINT) AS input_tokens,
  CAST(sum(x.output_tokens) AS BIGINT) AS output_tokens,
  CAST(sum(x.cached_input_tokens) AS BIGINT) AS cached_input_tokens,
  CAST(sum(x.total_cost_usd) AS DOUBLE) AS total_cost_usd,
  CAST(sum(x.unpriced_calls) AS BIGINT) AS unpriced_calls
FROM sessions x
WHERE coalesce(x.session_id, '${TRACE_KEY_PREFIX}' || x.trace_id) IN (SELECT key FROM picked)${slice.length ? ` AND ${slice.join(' AND ')}` : ''}
GROUP BY bucket_us
ORDER BY bucket_us`;
  return { ...p.query(sql), bucketUs };
}
