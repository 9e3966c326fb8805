import type { OtlpEvent, OtlpSpan, Problem } from '../otlp.ts';
import { isStorableTime, spanTimes } from './time-bounds.ts';
import type { Pricer } from '../pricing/types.ts';
import type { MessageRow, SpanRow } from '../rows.ts';
import { MAX_ID_CHARS } from '../schema.ts';
import type { BatchCache } from './batch-cache.ts';
import { detectConvention } from './convention.ts';
import { finishReasons, models, operation, provider, status } from './identity.ts';
import { isModelCallCandidate } from './llm-call.ts';
import { messageRow, truncatedText } from './messages/rows.ts';
import { spanMessages } from './messages/span-messages.ts';
import { problemSink, problemsJson, type ProblemSink } from './problems.ts';
import { rawJson } from './raw-json.ts';
import { ownSession, userId } from './session.ts';
import { NO_COST, spanCost } from './cost.ts';
import { usage } from './usage.ts';
import { asAttributes, isRecord, str } from './values.ts';

const KINDS: readonly SpanRow['kind'][] = [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
];

function hexId(v: unknown, length: number, field: string, problems: ProblemSink, required: boolean): string {
  if (typeof v === 'string' && v !== '') {
    const id = v.toLowerCase();
    if (id.length !== length || !/^[0-9a-f]+$/.test(id))
      problems.add('invalid_id', `expected ${length} hex characters`, field);
    return id;
  }
  if (required) problems.add('missing_field', 'id is missing', field);
  return '';
}

function timeUs(v: unknown, field: string, problems: ProblemSink): number | null {
  // OTLP leaves an unset time at 0: a span "of 1970" is an exporter that never set its clock.
  if (isStorableTime(v) && v > 0) return Math.trunc(v);
  problems.add(
    'missing_field',
    v === 0 ? 'time is 0 (unset by the sender)' : 'time is missing or invalid',
    field,
  );
  return null;
}

function sanitizeEvents(v: unknown, problems: ProblemSink): OtlpEvent[] {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return [];
  if (!Array.isArray(v)) {
    problems.add('wrong_type', 'events is not an array', 'events');
    return [];
  }
  return v.filter(isRecord).map((e) => ({
    timeUs: typeof e.timeUs === 'number' && Number.isFinite(e.timeUs) ? e.timeUs : 0,
    name: typeof e.name === 'string' ? e.name : '',
    attributes: asAttributes(e.attributes),
  }));
}

export interface NormalizedSpan {
  row: SpanRow;
  messages: MessageRow[];
}

/**
 * One decoded span -> its row and the messages it carries itself (log-record messages join later).
 * `receivedUs`, when the caller knows it, dates a span sent without a usable time (spanTimes).
 */
export function normalizeSpan(
  raw: OtlpSpan,
  pricer: Pricer | null,
  cache: BatchCache,
  receivedUs?: number,
): NormalizedSpan {
  const problems = problemSink();
  const span: Partial<OtlpSpan> = isRecord(raw) ? raw : {};
  const attrs = asAttributes(span.attributes);
  const resource = asAttributes(span.resource);
  const events = sanitizeEvents(span.events, problems);
  const scopeName = isRecord(span.scope) && typeof span.scope.name === 'string' ? span.scope.name : null;

  const traceId = hexId(span.traceId, 32, 'trace_id', problems, true);
  const spanId = hexId(span.spanId, 16, 'span_id', problems, true);
  const parent = hexId(span.parentSpanId, 16, 'parent_span_id', problems, false);
  const { start: startTime, end: endTime } = spanTimes(
    timeUs(span.startTimeUs, 'start_time', problems),
    timeUs(span.endTimeUs, 'end_time', problems),
    receivedUs,
    problems,
  );

  const convention = detectConvention(attrs, events, scopeName ?? '');
  const op = operation(attrs, convention);
  const { request, response } = models(attrs);
  const model = response ?? request;
  const prov = provider(attrs);
  const session = ownSession(attrs);
  if (session !== null && session.sessionId.length > MAX_ID_CHARS) {
    problems.add('id_truncated', `session id of ${session.sessionId.length} characters cut`, session.source);
    session.sessionId = session.sessionId.slice(0, MAX_ID_CHARS);
  }
  const user = userId(attrs);
  const st = status(
    isRecord(span.status) ? span.status.code : 0,
    isRecord(span.status) ? span.status.message : null,
    attrs,
    events,
  );
  const tokens = convention === null ? null : usage(attrs, problems);
  const isLlm = isModelCallCandidate(attrs, convention, op, model !== null);

  const cost =
    convention === null
      ? NO_COST
      : spanCost(attrs, problems, pricer, {
          priced: isLlm || op === 'embeddings',
          provider: prov,
          model,
          request,
          startTime,
          tokens,
        });

  const messages: MessageRow[] = [];
  if (isLlm) {
    const found = spanMessages(attrs, events, problems, { cache, sessionId: session?.sessionId ?? null });
    if (found !== null) {
      const ctx = { sessionId: session?.sessionId ?? null, traceId, spanId, startTime, model };
      const inputCtx = { ...ctx, source: found.inputSource };
      const outputCtx = { ...ctx, source: found.outputSource };
      const onTruncate = (length: number, what: 'content' | 'parts') =>
        problems.add('content_truncated', truncatedText(length, what), 'messages.content');
      let seq = 0;
      for (const m of found.inputs) messages.push(messageRow(m, 'input', seq++, inputCtx, onTruncate, cache));
      for (const m of found.outputs)
        messages.push(messageRow(m, 'output', seq++, outputCtx, onTruncate, cache));
    }
  }

  const kindCode = typeof span.kind === 'number' ? span.kind : 0;
  const attributesJson = rawJson(attrs, 'attributes', problems);
  // the spans of one resource share its attributes object, so its JSON is the same text, unless
  // writing it recorded a problem, which each span must get
  let resourceJson = cache.resources.get(resource);
  if (resourceJson === undefined) {
    const known = problems.list.length;
    resourceJson = rawJson(resource, 'resource_attributes', problems);
    if (problems.list.length === known) cache.resources.set(resource, resourceJson);
  }
  const eventsJson = rawJson(
    events.map((e) => ({ time: e.timeUs, name: e.name, attributes: e.attributes })),
    'events',
    problems,
  );
  const list: Problem[] = problems.list;

  const row: SpanRow = {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent === '' ? null : parent,
    name: typeof span.name === 'string' ? span.name : '',
    kind: KINDS[kindCode] ?? 'UNSPECIFIED',
    service_name: str(resource, 'service.name'),
    scope_name: scopeName === '' ? null : scopeName,
    start_time: startTime,
    end_time: endTime,
    duration_ms: (endTime - startTime) / 1000,
    status_code: st.code,
    status_message: st.message,
    error_type: st.errorType,
    session_id: session?.sessionId ?? null,
    session_source: session?.source ?? null,
    user_id: user === null || user.length <= MAX_ID_CHARS ? user : user.slice(0, MAX_ID_CHARS),
    operation: op,
    provider: prov,
    request_model: request,
    response_model: response,
    model,
    input_tokens: tokens?.input ?? null,
    output_tokens: tokens?.output ?? null,
    cached_input_tokens: tokens?.cacheRead ?? null,
    cache_creation_input_tokens: tokens?.cacheWrite ?? null,
    reasoning_tokens: tokens?.reasoning ?? null,
    input_cost_usd: cost.input_cost_usd,
    output_cost_usd: cost.output_cost_usd,
    total_cost_usd: cost.total_cost_usd,
    cost_source: cost.cost_source,
    price_version: cost.price_version,
    is_llm_call: isLlm,
    convention,
    finish_reasons: convention === null ? null : finishReasons(attrs),
    problems: problemsJson(list),
    attributes: attributesJson,
    resource_attributes: resourceJson,
    events: eventsJson,
  };
  return { row, messages };
}
