/** Tokens and cost over time for the view's filters, from the LLM-call spans. */
import { searchNeedle } from '../search-needle.ts';
import type { ViewState } from '../view.ts';
import { type SourceOptions, sessionRollup } from './filters.ts';
import { Params, type SqlQuery, TRACE_KEY_PREFIX } from './query.ts';
import { resolveTimeRange, seriesBucketUs } from './time.ts';
import { type SpansTable, traceSessionsSql } from './trace-session.ts';
import { UTC_ZONE, type ZoneOffsets, bucketKeySql, bucketStartSql } from './zone.ts';

export interface TimeseriesQuery extends SqlQuery {
  /** Width of each bucket; bucket_us values start buckets of the zone's clock (zone.ts). */
  bucketUs: number;
}

/**
 * Buckets of LLM calls started in the view's range. With a search or model filter, only calls of
 * the sessions the sessions page would select (search on the key; models: the session used any,
 * per its summaries) count, a span without session_id taking the session of its trace. `extent`
 * (the data's time span) sizes the buckets of an open range ('all'); without it they are one day.
 * `zone`: the viewer's offsets (zoneOffsets), whose clock the buckets follow; UTC without it.
 * A token sum is NULL where no call of the bucket reported that figure, and the calls it leaves out
 * are counted. Map with mapTimeBuckets.
 */
export function timeseries(
  view: ViewState,
  nowUs: number,
  extent?: { minUs: number; maxUs: number } | null,
  options: SourceOptions & { spans?: SpansTable; zone?: ZoneOffsets } = {},
): TimeseriesQuery {
  const zone = options.zone ?? UTC_ZONE;
  const spans = options.spans ?? 'spans';
  const p = new Params();
  const { fromUs, toUs } = resolveTimeRange(view.time, nowUs);
  const bucketUs = seriesBucketUs(fromUs, toUs, nowUs, extent);
  const search = searchNeedle(view.search);

  const where = ['sp.is_llm_call'];
  if (fromUs !== null) where.push(`sp.start_time >= ${p.timestamp(fromUs)}`);
  if (toUs !== null) where.push(`sp.start_time <= ${p.timestamp(toUs)}`);
  const ctes = [
    `calls AS (
  SELECT sp.trace_id, sp.session_id, sp.start_time, sp.input_tokens, sp.output_tokens, sp.cached_input_tokens, sp.total_cost_usd
  FROM ${spans} sp
  WHERE ${where.join(' AND ')}
)`,
  ];
  let source = 'calls';
  if (search !== '' || view.models.length > 0) {
    // Inheritance is looked up only for the traces of calls that lack a session.
    ctes.push(
      `inherited AS (${traceSessionsSql('SELECT trace_id FROM calls WHERE session_id IS NULL', spans)})`,
    );
    ctes.push(`keyed AS (
  SELECT c.*, coalesce(c.session_id, i.sid, '${TRACE_KEY_PREFIX}' || c.trace_id) AS key
  FROM calls c LEFT JOIN inherited i ON i.trace_id = c.trace_id
)`);
    const filters: string[] = [];
    if (search !== '') filters.push(`contains(lower(key), lower(${p.text(search)}))`);
    if (view.models.length > 0) {
      filters.push(`key IN (SELECT r.key FROM ${sessionRollup(options)} AS r
    WHERE list_has_any(r.models, ${p.textList(view.models)}))`);
    }
    source = `keyed WHERE ${filters.join(' AND ')}`;
  }
  const sql = `WITH ${ctes.join(',\n')}
SELECT ${bucketStartSql('k', bucketUs, zone, p)} AS bucket_us,
  count(*) AS llm_calls,
  CAST(sum(input_tokens) AS BIGINT) AS input_tokens,
  CAST(sum(output_tokens) AS BIGINT) AS output_tokens,
  CAST(sum(cached_input_tokens) AS BIGINT) AS cached_input_tokens,
  CAST(sum(total_cost_usd) AS DOUBLE) AS total_cost_usd,
  count(*) FILTER (WHERE total_cost_usd IS NULL) AS unpriced_calls,
  count(*) FILTER (WHERE input_tokens IS NULL) AS unreported_input_calls,
  count(*) FILTER (WHERE output_tokens IS NULL) AS unreported_output_calls,
  true AS unreported_exact
FROM (SELECT *, ${bucketKeySql('us', bucketUs, zone, p)} AS k FROM (SELECT *, epoch_us(start_time) AS us FROM ${source}))
GROUP BY k
ORDER BY k`;
  return { ...p.query(sql), bucketUs };
}
