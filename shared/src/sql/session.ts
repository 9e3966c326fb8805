/**
 * One session's LLM calls and messages, for the conversation viewer. The session of a span is
 * completed at query time: a span without session_id belongs to the session its trace gives
 * (trace-session.ts), because the collector can only inherit within the batches it has seen.
 */
import { Params, type SqlQuery, parseSessionKey } from './query.ts';
import { traceSessionsSql } from './trace-session.ts';

/** The span columns of a call row, as mapCalls reads them (besides start_us, its start in µs). */
export const CALL_FIELDS = [
  'trace_id',
  'span_id',
  'duration_ms',
  'model',
  'provider',
  'operation',
  'status_code',
  'status_message',
  'error_type',
  'problems',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'input_cost_usd',
  'output_cost_usd',
  'total_cost_usd',
  'cost_source',
  'request_model',
  'response_model',
  'finish_reasons',
  'cache_creation_input_tokens',
  'price_version',
  'service_name',
  'name',
  'user_id',
] as const;

const CALL_COLUMNS = `${CALL_FIELDS.map((f) => `sp.${f}`).join(', ')}, epoch_us(sp.start_time) AS start_us`;

export interface SessionQueryOptions {
  /**
   * Whether spans stored without a session id may belong to the session through their trace
   * (default true). A caller that knows there are none (the viewer's loader sees every such span
   * of the session's traces) passes false: the calls are then a plain filter, which DuckDB-WASM
   * plans and runs several times faster.
   */
  inherit?: boolean;
}

/**
 * `FROM … WHERE …` selecting the LLM-call spans (alias sp) of a session key. Only the traces that
 * contain the session are looked at for inheritance, so the cost stays near one scan of spans.
 */
function callsOf(key: string, p: Params, options: SessionQueryOptions = {}, calls = true): string {
  const k = parseSessionKey(key);
  const only = calls ? 'sp.is_llm_call AND ' : '';
  if (k.kind === 'trace') return `FROM spans sp WHERE ${only}sp.trace_id = ${p.text(k.traceId)}`;
  if (options.inherit === false) return `FROM spans sp WHERE ${only}sp.session_id = ${p.text(k.sessionId)}`;
  const traces = `SELECT trace_id FROM spans WHERE session_id = ${p.text(k.sessionId)}`;
  const inherited = `SELECT trace_id FROM (${traceSessionsSql(traces)}) WHERE sid = ${p.text(k.sessionId)}`;
  return `FROM spans sp
  WHERE ${only}(sp.session_id = ${p.text(k.sessionId)} OR (sp.session_id IS NULL AND sp.trace_id IN (${inherited})))`;
}

/**
 * When a session's spans run, all of them (agent and tool spans too, as its summary rows count):
 * first_us (earliest start) and last_us (latest end), NULL when it has none. Map with mapSpanExtent.
 */
export function sessionSpanExtent(key: string, options: SessionQueryOptions = {}): SqlQuery {
  const p = new Params();
  const sql = `SELECT epoch_us(min(sp.start_time)) AS first_us, epoch_us(max(sp.end_time)) AS last_us
${callsOf(key, p, options, false)}`;
  return p.query(sql);
}

/** LLM calls of a session (or of one trace for 'trace:<id>'), chronological. Map with mapCalls. */
export function sessionCalls(key: string, options: SessionQueryOptions = {}): SqlQuery {
  const p = new Params();
  const sql = `SELECT ${CALL_COLUMNS}
${callsOf(key, p, options)}
ORDER BY sp.start_time, sp.span_id`;
  return p.query(sql);
}

/**
 * A session's embedding calls, chronological, as call rows (map with mapCalls): spans whose
 * operation is 'embeddings', which are never LLM calls, so their tokens and cost are in no LLM
 * total. A wrapper around another embeddings span of the session (Vercel's `ai.embed` around
 * `ai.embed.doEmbed`, were both named so) is left out, so each request is counted once.
 */
export function sessionEmbeddings(key: string, options: SessionQueryOptions = {}): SqlQuery {
  const p = new Params();
  const sql = `WITH s AS (SELECT sp.* ${callsOf(key, p, options, false)})
SELECT ${CALL_COLUMNS}
FROM s sp
WHERE sp.operation = 'embeddings' AND NOT sp.is_llm_call
  AND NOT EXISTS (
    SELECT 1 FROM s c
    WHERE c.trace_id = sp.trace_id AND c.parent_span_id = sp.span_id AND c.operation = 'embeddings'
  )
ORDER BY sp.start_time, sp.span_id`;
  return p.query(sql);
}

/** The columns of a message row, as mapMessages reads them (besides start_us). */
export const MESSAGE_FIELDS = [
  'trace_id',
  'span_id',
  'seq',
  'direction',
  'role',
  'content',
  'parts',
  'tool_call_id',
  'tool_name',
  'finish_reason',
  'model',
  'content_hash',
] as const;

const MESSAGE_COLUMNS = MESSAGE_FIELDS.map((f) => `m.${f}`).join(', ');

/**
 * Messages of a session's LLM calls, joined to the calls by (trace_id, span_id) whether or not the
 * message row has a session_id; plus messages whose span is not stored yet (log records that came
 * first), selected by their own session_id (or trace for a trace key). Map with mapMessages.
 */
export function sessionMessages(key: string, options: SessionQueryOptions = {}): SqlQuery {
  const p = new Params();
  const k = parseSessionKey(key);
  const calls = `SELECT sp.trace_id, sp.span_id, sp.start_time ${callsOf(key, p, options)}`;
  const orphanFilter =
    k.kind === 'trace'
      ? `m.session_id IS NULL AND m.trace_id = ${p.text(k.traceId)}`
      : `m.session_id = ${p.text(k.sessionId)}`;
  const sql = `WITH calls AS (${calls})
SELECT ${MESSAGE_COLUMNS}, epoch_us(c.start_time) AS start_us
FROM messages m JOIN calls c ON c.trace_id = m.trace_id AND c.span_id = m.span_id
UNION ALL
SELECT ${MESSAGE_COLUMNS}, epoch_us(m.start_time) AS start_us
FROM messages m
WHERE ${orphanFilter}
  AND NOT EXISTS (SELECT 1 FROM spans o WHERE o.trace_id = m.trace_id AND o.span_id = m.span_id)
ORDER BY start_us, span_id, direction, seq`;
  return p.query(sql);
}

/**
 * Totals over a session's LLM calls (the numbers the per-role rollup of conversation.ts must add
 * up to): llm_calls, input/output/cached/reasoning tokens (each NULL when no call reported it: not
 * 0, which a call can report), total_cost_usd (NULL when nothing is priced), unpriced_calls,
 * errors. One row.
 */
export function sessionTotals(key: string): SqlQuery {
  const p = new Params();
  const sql = `SELECT count(*) AS llm_calls,
  CAST(sum(sp.input_tokens) AS BIGINT) AS input_tokens,
  CAST(sum(sp.output_tokens) AS BIGINT) AS output_tokens,
  CAST(sum(sp.cached_input_tokens) AS BIGINT) AS cached_input_tokens,
  CAST(sum(sp.reasoning_tokens) AS BIGINT) AS reasoning_tokens,
  CAST(sum(sp.total_cost_usd) AS DOUBLE) AS total_cost_usd,
  count(*) FILTER (WHERE sp.total_cost_usd IS NULL) AS unpriced_calls,
  count(*) FILTER (WHERE sp.status_code = 'ERROR') AS errors
${callsOf(key, p)}`;
  return p.query(sql);
}
