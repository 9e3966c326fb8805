import type { Attributes, OtlpEvent, OtlpLogRecord, OtlpSpan } from '../../src/otlp.ts';
import { normalizeBatch } from '../../src/normalizer/index.ts';
import type { MessageRow } from '../../src/rows.ts';

export const TRACE = '0af7651916cd43dd8448eb211c80319c';
export const T0 = Date.UTC(2025, 5, 1, 12) * 1000;

let nextId = 1;
export function spanId(): string {
  return (nextId++).toString(16).padStart(16, '0');
}

export function span(attributes: Attributes, over: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: spanId(),
    parentSpanId: '',
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUs: T0,
    endTimeUs: T0 + 1_500_000,
    attributes,
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource: { 'service.name': 'test-app' },
    scope: { name: 'test', version: '1' },
    ...over,
  };
}

export function event(name: string, attributes: Attributes, timeUs = T0 + 1): OtlpEvent {
  return { name, attributes, timeUs };
}

export function log(target: OtlpSpan, over: Partial<OtlpLogRecord>): OtlpLogRecord {
  return {
    timeUs: target.startTimeUs + 10,
    observedTimeUs: target.startTimeUs + 10,
    traceId: target.traceId,
    spanId: target.spanId,
    eventName: '',
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes: {},
    resource: target.resource,
    scope: { name: '@opentelemetry/instrumentation-openai', version: '0.22.0' },
    ...over,
  };
}

export function run(spans: OtlpSpan[], logs: OtlpLogRecord[] = []) {
  return normalizeBatch({ spans, logs }, { pricer: null });
}

/** The first span row, for single-span tests. */
export function one(attributes: Attributes, over: Partial<OtlpSpan> = {}) {
  const s = span(attributes, over);
  const out = run([s]);
  const row = out.spans[0];
  if (row === undefined) throw new Error('no row');
  return { row, messages: out.messages, problems: problemCodes(row.problems) };
}

export function problemCodes(problems: string | null): string[] {
  return problems === null ? [] : (JSON.parse(problems) as Array<{ code: string }>).map((p) => p.code);
}

/** Messages as compact tuples for readable assertions. */
export function brief(messages: MessageRow[]) {
  return messages.map((m) => ({
    seq: m.seq,
    direction: m.direction,
    role: m.role,
    content: m.content,
    ...(m.tool_call_id === null ? {} : { tool_call_id: m.tool_call_id }),
  }));
}

export function parts(m: MessageRow | undefined): unknown {
  return m?.parts === null || m?.parts === undefined ? null : JSON.parse(m.parts);
}
