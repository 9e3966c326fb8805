/** Spans and log records made by the real OTel JS SDK, and what the decoder should turn them into. */
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import {
  context,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes as OtelAttributes,
} from '@opentelemetry/api';
import type { AnyValue, Attributes, OtlpLogRecord, OtlpSpan } from '../../src/otlp.ts';

const resource = resourceFromAttributes({
  'service.name': 'chat-app',
  'service.version': '1.2.3',
  'host.cpus': 2,
});

const messages = JSON.stringify([
  { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'Héllo 👋 — 日本語? \u0000 "quoted"' }] },
]);

/** Every attribute kind the wire has, including ones the span API only passes through. */
export const richAttributes: Record<string, unknown> = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.input.messages': messages,
  'gen_ai.usage.input_tokens': 1234,
  'gen_ai.usage.output_tokens': 0,
  'negative.int': -42,
  'huge.int': 2 ** 60,
  'min.int': -(2 ** 63),
  double: 0.125,
  'bool.false': false,
  strings: ['a', 'ü', ''],
  ints: [1, -2, 3],
  doubles: [1.5, -0.25],
  bools: [true, false],
  kv: { nested: { deeper: 'yes', n: 7 }, list: ['x', 1, true] },
  bytes: new Uint8Array([0, 1, 2, 253, 254, 255]),
  'empty.string': '',
};

export async function officialSpans(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('@parley/test', '0.0.1');
  const root = tracer.startSpan('POST /chat', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/chat' },
  });
  const ctx = trace.setSpan(context.active(), root);
  const linked = tracer.startSpan('other').spanContext();
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      attributes: richAttributes as OtelAttributes,
      links: [{ context: linked, attributes: { 'link.kind': 'follows' } }],
    },
    ctx,
  );
  chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'ünïcödé ✓' });
  chat.addEvent('exception', { 'exception.message': 'boom', 'exception.type': 'Error' });
  chat.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited: 429 — retry' });
  chat.end();
  const ok = tracer.startSpan('execute_tool get_weather', { kind: SpanKind.INTERNAL }, ctx);
  ok.setStatus({ code: SpanStatusCode.OK });
  ok.end();
  for (const kind of [SpanKind.PRODUCER, SpanKind.CONSUMER])
    tracer.startSpan(`k${kind}`, { kind }, ctx).end();
  root.end();
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function micros(t: [number, number]): number {
  return t[0] * 1_000_000 + Math.floor(t[1] / 1000);
}

/** What an attribute value becomes in the decoded shape (bytes -> base64, unsafe ints -> string). */
export function expectedValue(v: unknown): AnyValue {
  if (v instanceof Uint8Array) return btoa(String.fromCharCode(...v));
  if (Array.isArray(v)) return v.map(expectedValue);
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) return BigInt(v).toString();
  if (v === undefined) return null;
  if (typeof v === 'object' && v !== null) return expectedAttributes(v as Record<string, unknown>);
  return v as AnyValue;
}

export function expectedAttributes(attrs: Record<string, unknown> | undefined): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(attrs ?? {})) {
    Object.defineProperty(out, key, {
      value: expectedValue(attrs![key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function expectedSpan(s: ReadableSpan): OtlpSpan {
  return {
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    name: s.name,
    kind: (s.kind + 1) as OtlpSpan['kind'],
    startTimeUs: micros(s.startTime),
    endTimeUs: micros(s.endTime),
    attributes: expectedAttributes(s.attributes),
    events: s.events.map((e) => ({
      timeUs: micros(e.time),
      name: e.name,
      attributes: expectedAttributes(e.attributes),
    })),
    links: s.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: expectedAttributes(l.attributes),
    })),
    status: { code: s.status.code as OtlpSpan['status']['code'], message: s.status.message ?? '' },
    resource: expectedAttributes(s.resource.attributes),
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version ?? '' },
  };
}

export async function officialLogs(): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('@opentelemetry/instrumentation-openai', '0.22.0');
  const spanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
  };
  const ctx = trace.setSpanContext(context.active(), spanContext);
  logger.emit({
    eventName: 'gen_ai.user.message',
    context: ctx,
    severityNumber: 9,
    severityText: 'INFO',
    timestamp: [1_790_000_000, 123_456_789],
    attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai' },
    body: {
      content: 'Bonjour 🌍',
      role: 'user',
      parts: [{ type: 'text', n: 3 }],
      raw: new Uint8Array([9, 8]) as never,
    },
  });
  logger.emit({
    eventName: 'gen_ai.choice',
    context: ctx,
    body: 'plain string body',
    attributes: { 'gen_ai.response.finish_reasons': ['stop'], big: 2 ** 55 },
  });
  logger.emit({ body: 12, severityNumber: 17 });
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

export function expectedLog(r: ReadableLogRecord): OtlpLogRecord {
  return {
    timeUs: micros(r.hrTime),
    observedTimeUs: micros(r.hrTimeObserved),
    traceId: r.spanContext?.traceId ?? '',
    spanId: r.spanContext?.spanId ?? '',
    eventName: r.eventName ?? '',
    severityNumber: r.severityNumber ?? 0,
    severityText: r.severityText ?? '',
    body: expectedValue(r.body),
    attributes: expectedAttributes(r.attributes),
    resource: expectedAttributes(r.resource.attributes),
    scope: { name: r.instrumentationScope.name, version: r.instrumentationScope.version ?? '' },
  };
}
