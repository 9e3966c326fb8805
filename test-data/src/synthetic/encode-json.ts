/** OtlpSpan[] -> OTLP/JSON ExportTraceServiceRequest (hex ids, int64 and *UnixNano as decimal strings). */
import type { AnyValue, Attributes, OtlpSpan } from '@parley/shared/otlp';
import { groupByResourceAndScope } from './group.ts';

type JsonAnyValue = Record<string, unknown>;

function nanos(us: number): string {
  return us === 0 ? '0' : `${us}000`;
}

function anyValue(v: AnyValue): JsonAnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return { intValue: String(v) };
    return { doubleValue: Number.isFinite(v) ? v : String(v) };
  }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v === null) return {};
  return { kvlistValue: { values: keyValues(v) } };
}

function keyValues(attrs: Attributes): { key: string; value: JsonAnyValue }[] {
  return Object.keys(attrs).map((key) => ({ key, value: anyValue(attrs[key]!) }));
}

function span(s: OtlpSpan): Record<string, unknown> {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: nanos(s.startTimeUs),
    endTimeUnixNano: nanos(s.endTimeUs),
    attributes: keyValues(s.attributes),
    events: s.events.map((e) => ({
      timeUnixNano: nanos(e.timeUs),
      name: e.name,
      attributes: keyValues(e.attributes),
    })),
    links: s.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      attributes: keyValues(l.attributes),
    })),
    status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
  };
}

export function encodeTracesRequestJson(spans: readonly OtlpSpan[]): Uint8Array {
  const request = {
    resourceSpans: groupByResourceAndScope(spans).map((group) => ({
      resource: { attributes: keyValues(group.resource) },
      scopeSpans: group.scopes.map((scoped) => ({
        scope: { name: scoped.scope.name, version: scoped.scope.version },
        spans: scoped.spans.map(span),
      })),
    })),
  };
  return new TextEncoder().encode(JSON.stringify(request));
}
