/**
 * Tokens/cost over time from the session summaries, so the chart needs no span rows (the shared
 * `timeseries` query reads spans). Each summary row (one session within one hour, as the collector
 * writes them) counts at its first time, or at the range's start when it began before it, so no
 * bucket lies outside the range. Buckets are an hour at least, so each row falls in the bucket of
 * its calls (rows of older data, one per day, still put a day's calls at its first). Sessions are
 * selected exactly as on the page. Buckets follow the clock of `zone` (zone.ts: whole hours of its
 * offset, as the rows are per UTC hour); UTC without it. A token sum is NULL where no call reported
 * it; a row sums the calls of its session-hour that did, so the calls a bucket's sum leaves out are
 * counted only where none of a row's calls reported (at least that many). Map with mapTimeBuckets.
 */
import type { ViewState } from '../view.ts';
import { SESSION_ROLLUP_TABLE, sessionConditions, whereClause } from './filters.ts';
import { Params, TRACE_KEY_PREFIX } from './query.ts';
import { HOUR_US, resolveTimeRange, seriesBucketUs } from './time.ts';
import type { TimeseriesQuery } from './timeseries.ts';
import { UTC_ZONE, type ZoneOffsets, bucketKeySql, bucketStartSql } from './zone.ts';

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
  zone: ZoneOffsets = UTC_ZONE,
): TimeseriesQuery {
  const p = new Params();
  const { fromUs, toUs } = resolveTimeRange(view.time, nowUs);
  const bucketUs = Math.max(HOUR_US, seriesBucketUs(fromUs, toUs, nowUs, extent));
  const slice: string[] = [];
  if (fromUs !== null) slice.push(`x.last_time >= ${p.timestamp(fromUs)}`);
  if (toUs !== null) slice.push(`x.first_time <= ${p.timestamp(toUs)}`);
  const at =
    fromUs === null ? 'epoch_us(x.first_time)' : `greatest(epoch_us(x.first_time), ${p.int(fromUs)})`;
  const sql = `WITH picked AS (
  SELECT r.key FROM ${SESSION_ROLLUP_TABLE} AS r ${whereClause(sessionConditions(view, nowUs, p, 'r'))}
),
hours AS (
  SELECT x.*, ${at} AS us
  FROM sessions x
  WHERE coalesce(x.session_id, '${TRACE_KEY_PREFIX}' || x.trace_id) IN (SELECT key FROM picked)${slice.length ? ` AND ${slice.join(' AND ')}` : ''}
)
SELECT ${bucketStartSql('k', bucketUs, zone, p)} AS bucket_us,
  CAST(sum(llm_calls) AS BIGINT) AS llm_calls,
  CAST(sum(input_tokens) AS BIGINT) AS input_tokens,
  CAST(sum(output_tokens) AS BIGINT) AS output_tokens,
  CAST(sum(cached_input_tokens) AS BIGINT) AS cached_input_tokens,
  CAST(sum(total_cost_usd) AS DOUBLE) AS total_cost_usd,
  CAST(sum(unpriced_calls) AS BIGINT) AS unpriced_calls,
  CAST(coalesce(sum(llm_calls) FILTER (WHERE input_tokens IS NULL), 0) AS BIGINT) AS unreported_input_calls,
  CAST(coalesce(sum(llm_calls) FILTER (WHERE output_tokens IS NULL), 0) AS BIGINT) AS unreported_output_calls,
  false AS unreported_exact
FROM (SELECT *, ${bucketKeySql('us', bucketUs, zone, p)} AS k FROM hours)
GROUP BY k
ORDER BY k`;
  return { ...p.query(sql), bucketUs };
}
