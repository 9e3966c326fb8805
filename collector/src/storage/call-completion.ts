/**
 * Cross-batch completion at flush time, by the normalizer's own rules (`completeAcrossBatches`):
 * session inheritance within a trace, one counted span per model call, and each call's messages
 * merged from span and log sources and numbered. The helper runs in JS on light projections of
 * the rows (ids, roles, order: no content), with recently written spans of the same traces as
 * context; its decisions are written back into the DuckDB batch tables.
 */
import { completeAcrossBatches } from '@parley/shared/normalizer/index';
import type { MessageRow, SpanRow } from '@parley/shared/rows';
import type { Cell, Duck } from './duck.ts';

type LightSpan = SpanRow & { rid: bigint | null };
type LightMessage = MessageRow & { rid: bigint };

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function lightSpan(r: Record<string, unknown>): LightSpan {
  return {
    rid: r.rid === null || r.rid === undefined ? null : BigInt(String(r.rid)),
    trace_id: String(r.trace_id),
    span_id: String(r.span_id),
    parent_span_id: str(r.parent_span_id),
    name: '',
    kind: 'UNSPECIFIED',
    service_name: null,
    scope_name: null,
    start_time: num(r.start_time),
    end_time: num(r.start_time),
    duration_ms: 0,
    status_code: 'UNSET',
    status_message: null,
    error_type: null,
    session_id: str(r.session_id),
    session_source: str(r.session_source),
    user_id: null,
    operation: null,
    provider: null,
    request_model: null,
    response_model: null,
    model: str(r.model),
    input_tokens: null,
    output_tokens: null,
    cached_input_tokens: null,
    cache_creation_input_tokens: null,
    reasoning_tokens: null,
    input_cost_usd: null,
    output_cost_usd: null,
    total_cost_usd: null,
    cost_source: null,
    price_version: null,
    is_llm_call: r.is_llm_call === true,
    convention: null,
    finish_reasons: null,
    problems: str(r.problems),
    attributes: '',
    resource_attributes: '',
    events: '',
  };
}

function lightMessage(r: Record<string, unknown>): LightMessage {
  return {
    rid: BigInt(String(r.rid)),
    session_id: str(r.session_id),
    trace_id: String(r.trace_id),
    span_id: String(r.span_id),
    start_time: num(r.start_time),
    seq: num(r.seq),
    direction: r.direction === 'output' ? 'output' : 'input',
    role: String(r.role),
    content: null,
    parts: null,
    tool_call_id: null,
    tool_name: null,
    finish_reason: null,
    model: str(r.model),
    content_hash: '',
    source: r.source === 'span_attribute' || r.source === 'span_event' ? r.source : 'log',
  };
}

const SPAN_LIGHT =
  'trace_id, span_id, parent_span_id, session_id, session_source, model, start_time, is_llm_call';

/**
 * `b_spans` / `b_msgs` hold the batch (WAL-typed, times in µs); `recent_spans` the context.
 * Afterwards b_spans carries completed sessions and is_llm_call, and b_msgs only the kept
 * messages with their final seq, session, model and start time (when their span is known).
 */
export async function completeCalls(duck: Duck): Promise<void> {
  const batchSpans = (await duck.rows(`SELECT rowid AS rid, ${SPAN_LIGHT}, problems FROM b_spans`)).map(
    lightSpan,
  );
  const context = (
    await duck.rows(`SELECT NULL AS rid, ${SPAN_LIGHT}, NULL AS problems FROM recent_spans r
      WHERE (r.trace_id IN (SELECT trace_id FROM b_spans) OR r.trace_id IN (SELECT trace_id FROM b_msgs))
        AND NOT EXISTS (SELECT 1 FROM b_spans b WHERE b.trace_id = r.trace_id AND b.span_id = r.span_id)`)
  ).map(lightSpan);
  // Arrival order: request by request, then as numbered within the request.
  const messages = (
    await duck.rows(`SELECT rowid AS rid, session_id, trace_id, span_id, start_time, seq, direction, role, model, source
      FROM b_msgs ORDER BY rq, seq`)
  ).map(lightMessage);

  const completed = completeAcrossBatches([...context, ...batchSpans], messages);

  const spanFixes: Cell[][] = [];
  const before = new Map(batchSpans.map((s) => [s.rid, s]));
  for (const s of completed.spans as LightSpan[]) {
    const old = s.rid === null ? undefined : before.get(s.rid);
    if (old === undefined || s.rid === null) continue;
    if (
      old.is_llm_call !== s.is_llm_call ||
      old.problems !== s.problems ||
      old.session_id !== s.session_id ||
      old.session_source !== s.session_source
    ) {
      spanFixes.push([s.rid, s.is_llm_call, s.problems, s.session_id, s.session_source]);
    }
  }
  await duck.run(
    `CREATE OR REPLACE TABLE span_fix (rid BIGINT, is_llm_call BOOLEAN, problems VARCHAR, session_id VARCHAR, session_source VARCHAR)`,
  );
  await duck.append('span_fix', spanFixes);
  await duck.run(`UPDATE b_spans SET is_llm_call = f.is_llm_call, problems = f.problems, session_id = f.session_id,
      session_source = f.session_source
    FROM span_fix f WHERE b_spans.rowid = f.rid`);

  const messageFixes = (completed.messages as LightMessage[]).map((m): Cell[] => [
    m.rid,
    BigInt(m.seq),
    m.session_id,
    m.model,
    BigInt(m.start_time),
  ]);
  await duck.run(
    `CREATE OR REPLACE TABLE msg_fix (rid BIGINT, seq BIGINT, session_id VARCHAR, model VARCHAR, start_time BIGINT)`,
  );
  await duck.append('msg_fix', messageFixes);
  await duck.run(`DELETE FROM b_msgs WHERE rowid NOT IN (SELECT rid FROM msg_fix)`);
  await duck.run(`UPDATE b_msgs SET seq = f.seq::INTEGER, session_id = f.session_id, model = f.model, start_time = f.start_time
    FROM msg_fix f WHERE b_msgs.rowid = f.rid`);
  await duck.run('DROP TABLE span_fix');
  await duck.run('DROP TABLE msg_fix');
}
