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

/** A column-oriented result: one array per column. */
type Columns = Record<string, unknown[]>;

function column(columns: Columns, name: string): unknown[] {
  const values = columns[name];
  if (values === undefined) throw new Error(`query result has no column ${name}`);
  return values;
}

function lightSpans(c: Columns): LightSpan[] {
  const [rid, traceId, spanId, parent, session, source, model, start, llm, problems] = [
    'rid',
    'trace_id',
    'span_id',
    'parent_span_id',
    'session_id',
    'session_source',
    'model',
    'start_time',
    'is_llm_call',
    'problems',
  ].map((name) => column(c, name));
  return (rid ?? []).map((r, i): LightSpan => {
    const startTime = num(start?.[i]);
    return {
      rid: typeof r === 'bigint' ? r : null,
      trace_id: String(traceId?.[i]),
      span_id: String(spanId?.[i]),
      parent_span_id: str(parent?.[i]),
      name: '',
      kind: 'UNSPECIFIED',
      service_name: null,
      scope_name: null,
      start_time: startTime,
      end_time: startTime,
      duration_ms: 0,
      status_code: 'UNSET',
      status_message: null,
      error_type: null,
      session_id: str(session?.[i]),
      session_source: str(source?.[i]),
      user_id: null,
      operation: null,
      provider: null,
      request_model: null,
      response_model: null,
      model: str(model?.[i]),
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
      is_llm_call: llm?.[i] === true,
      convention: null,
      finish_reasons: null,
      problems: str(problems?.[i]),
      attributes: '',
      resource_attributes: '',
      events: '',
    };
  });
}

/**
 * Completion looks at a message's role only to tell system instructions apart, so the query
 * sends that (and the direction) as flags: fewer strings to carry out of DuckDB per message.
 */
function lightMessages(c: Columns): LightMessage[] {
  const [rid, session, traceId, spanId, start, seq, isOutput, isSystem, model, source] = [
    'rid',
    'session_id',
    'trace_id',
    'span_id',
    'start_time',
    'seq',
    'is_output',
    'is_system',
    'model',
    'source',
  ].map((name) => column(c, name));
  return (rid ?? []).map((r, i): LightMessage => {
    const from = source?.[i];
    return {
      rid: r as bigint,
      session_id: str(session?.[i]),
      trace_id: String(traceId?.[i]),
      span_id: String(spanId?.[i]),
      start_time: num(start?.[i]),
      seq: num(seq?.[i]),
      direction: isOutput?.[i] === true ? 'output' : 'input',
      role: isSystem?.[i] === true ? 'system' : 'other',
      content: null,
      parts: null,
      tool_call_id: null,
      tool_name: null,
      finish_reason: null,
      model: str(model?.[i]),
      content_hash: '',
      source: from === 'span_attribute' || from === 'span_event' ? from : 'log',
    };
  });
}

const SPAN_LIGHT =
  'trace_id, span_id, parent_span_id, session_id, session_source, model, start_time, is_llm_call';

/**
 * `b_spans` / `b_msgs` hold the batch (WAL-typed, times in µs); `recent_spans` the context.
 * Afterwards b_spans carries completed sessions and is_llm_call, and b_msgs only the kept
 * messages with their final seq, session, model and start time (when their span is known).
 */
export async function completeCalls(duck: Duck): Promise<void> {
  const batchSpans = lightSpans(
    await duck.columns(`SELECT rowid AS rid, ${SPAN_LIGHT}, problems FROM b_spans`),
  );
  const context = lightSpans(
    await duck.columns(`SELECT NULL::BIGINT AS rid, ${SPAN_LIGHT}, NULL::VARCHAR AS problems FROM recent_spans r
      WHERE (r.trace_id IN (SELECT trace_id FROM b_spans) OR r.trace_id IN (SELECT trace_id FROM b_msgs))
        AND NOT EXISTS (SELECT 1 FROM b_spans b WHERE b.trace_id = r.trace_id AND b.span_id = r.span_id)`),
  );
  // Arrival order: request by request, then as numbered within the request.
  const messages = lightMessages(
    await duck.columns(`SELECT rowid AS rid, session_id, trace_id, span_id, start_time, seq,
        direction = 'output' AS is_output, role = 'system' AS is_system, model, source
      FROM b_msgs ORDER BY rq, seq`),
  );

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
  await applyFixes(
    duck,
    'span_fix (rid BIGINT, is_llm_call BOOLEAN, problems VARCHAR, session_id VARCHAR, session_source VARCHAR)',
    spanFixes,
    `UPDATE b_spans SET is_llm_call = f.is_llm_call, problems = f.problems, session_id = f.session_id,
      session_source = f.session_source
    FROM span_fix f WHERE b_spans.rowid = f.rid`,
  );

  // Most messages come out as they went in (each request's own completion already numbered
  // them): only changed rows are written back, and only dropped ones deleted.
  const messagesBefore = new Map(messages.map((m) => [m.rid, m]));
  const kept = new Set<bigint>();
  const messageFixes: Cell[][] = [];
  for (const m of completed.messages as LightMessage[]) {
    kept.add(m.rid);
    const old = messagesBefore.get(m.rid);
    if (
      old !== undefined &&
      old.seq === m.seq &&
      old.session_id === m.session_id &&
      old.model === m.model &&
      old.start_time === m.start_time
    )
      continue;
    messageFixes.push([m.rid, BigInt(m.seq), m.session_id, m.model, BigInt(m.start_time)]);
  }
  const dropped = messages.filter((m) => !kept.has(m.rid)).map((m): Cell[] => [m.rid]);
  await applyFixes(
    duck,
    'msg_drop (rid BIGINT)',
    dropped,
    'DELETE FROM b_msgs WHERE rowid IN (SELECT rid FROM msg_drop)',
  );
  await applyFixes(
    duck,
    'msg_fix (rid BIGINT, seq BIGINT, session_id VARCHAR, model VARCHAR, start_time BIGINT)',
    messageFixes,
    `UPDATE b_msgs SET seq = f.seq::INTEGER, session_id = f.session_id, model = f.model, start_time = f.start_time
    FROM msg_fix f WHERE b_msgs.rowid = f.rid`,
  );
}

/** Load `rows` into a scratch table (`definition`: fixed name and columns) and run `statement`. */
async function applyFixes(
  duck: Duck,
  definition: string,
  rows: readonly (readonly Cell[])[],
  statement: string,
): Promise<void> {
  if (rows.length === 0) return;
  const name = definition.slice(0, definition.indexOf(' '));
  await duck.run(`CREATE OR REPLACE TABLE ${definition}`);
  try {
    await duck.append(name, rows);
    await duck.run(statement);
  } finally {
    await duck.run(`DROP TABLE ${name}`);
  }
}
