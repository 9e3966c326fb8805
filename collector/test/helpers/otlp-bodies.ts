/**
 * OTLP request bodies produced by the official OpenTelemetry JS SDK and serializers, so tests
 * speak exactly what real exporters send.
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { AttributeValue } from '@opentelemetry/api';

export type Encoding = 'protobuf' | 'json';

export interface SpanSpec {
  name?: string;
  attributes?: Record<string, AttributeValue>;
}

/** Ended SDK spans, each in its own trace, in the order given. */
export async function makeSpans(
  specs: readonly SpanSpec[],
  service = 'collector-test',
): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('parley-collector-test', '1.0.0');
  for (const spec of specs)
    tracer.startSpan(spec.name ?? 'work', { attributes: spec.attributes ?? {} }).end();
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

export async function makeSimpleSpans(count: number, prefix: string): Promise<ReadableSpan[]> {
  return makeSpans(
    Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i}`, attributes: { 'test.index': i } })),
  );
}

export function tracesBody(spans: ReadableSpan[], encoding: Encoding): Uint8Array {
  const body =
    encoding === 'protobuf'
      ? ProtobufTraceSerializer.serializeRequest(spans)
      : JsonTraceSerializer.serializeRequest(spans);
  if (body === undefined) throw new Error('serializer returned nothing');
  return body;
}

export const CONTENT_TYPE: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export function spanIds(spans: readonly ReadableSpan[]): string[] {
  return spans.map((s) => s.spanContext().spanId);
}
