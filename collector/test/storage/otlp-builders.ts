/** Decoded OTLP spans and log records as the receivers hand them to the pipeline. */
import type { OtlpLogRecord, OtlpSpan } from '@parley/shared/otlp';

const RESOURCE = { 'service.name': 'storage-test' };
const SCOPE = { name: 'storage-test', version: '1.0.0' };

export function hexId(n: number, length: 16 | 32): string {
  return n.toString(16).padStart(length, '0');
}

export interface SpanSpec {
  trace: number;
  span: number;
  parent?: number;
  /** µs since the epoch. */
  startUs: number;
  session?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** A plain (non-GenAI) span when false. */
  llm?: boolean;
  /** Chat messages carried on the span itself (OTel GenAI JSON attributes). */
  input?: string;
  output?: string;
}

export function span(spec: SpanSpec): OtlpSpan {
  const attributes: OtlpSpan['attributes'] = {};
  if (spec.llm !== false) {
    attributes['gen_ai.operation.name'] = 'chat';
    attributes['gen_ai.provider.name'] = 'openai';
    attributes['gen_ai.request.model'] = spec.model ?? 'gpt-4o-mini';
    attributes['gen_ai.response.model'] = spec.model ?? 'gpt-4o-mini';
    attributes['gen_ai.usage.input_tokens'] = spec.inputTokens ?? 10;
    attributes['gen_ai.usage.output_tokens'] = spec.outputTokens ?? 5;
  }
  if (spec.session !== undefined) attributes['gen_ai.conversation.id'] = spec.session;
  if (spec.input !== undefined) {
    attributes['gen_ai.input.messages'] = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: spec.input }] },
    ]);
  }
  if (spec.output !== undefined) {
    attributes['gen_ai.output.messages'] = JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: spec.output }], finish_reason: 'stop' },
    ]);
  }
  return {
    traceId: hexId(spec.trace, 32),
    spanId: hexId(spec.span, 16),
    parentSpanId: spec.parent === undefined ? '' : hexId(spec.parent, 16),
    name: spec.llm === false ? 'handler' : `chat ${spec.model ?? 'gpt-4o-mini'}`,
    kind: spec.llm === false ? 1 : 3,
    startTimeUs: spec.startUs,
    endTimeUs: spec.startUs + 250_000,
    attributes,
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource: RESOURCE,
    scope: SCOPE,
  };
}

/** An `@opentelemetry/instrumentation-openai` style message event naming its span. */
export function userMessageLog(
  trace: number,
  spanId: number,
  timeUs: number,
  content: string,
): OtlpLogRecord {
  return {
    timeUs,
    observedTimeUs: timeUs,
    traceId: hexId(trace, 32),
    spanId: hexId(spanId, 16),
    eventName: 'gen_ai.user.message',
    severityNumber: 9,
    severityText: 'INFO',
    body: { content },
    attributes: { 'gen_ai.system': 'openai' },
    resource: RESOURCE,
    scope: SCOPE,
  };
}

/** 2026-11-26T05:00:00Z in µs, a fixed hour for partition assertions. */
export const BASE_US = Date.UTC(2026, 10, 26, 5, 0, 0) * 1000;

function jsonValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number' && Number.isInteger(value)) return { intValue: String(value) };
  if (typeof value === 'number') return { doubleValue: value };
  throw new Error(`no OTLP/JSON form for ${typeof value} in the test builder`);
}

function jsonAttributes(attributes: Record<string, unknown>): Array<Record<string, unknown>> {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: jsonValue(value) }));
}

/** An OTLP/JSON ExportTraceServiceRequest body holding `spans` (scalar attributes only). */
export function tracesJsonBody(spans: readonly OtlpSpan[]): Uint8Array {
  const request = {
    resourceSpans: [
      {
        resource: { attributes: jsonAttributes(RESOURCE) },
        scopeSpans: [
          {
            scope: SCOPE,
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId,
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: `${s.startTimeUs}000`,
              endTimeUnixNano: `${s.endTimeUs}000`,
              attributes: jsonAttributes(s.attributes),
              status: { code: s.status.code, message: s.status.message },
            })),
          },
        ],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(request));
}
