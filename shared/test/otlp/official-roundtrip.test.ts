import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeLogs, decodeTraces } from '../../src/otlp/decode.ts';
import type { OtlpLogRecord, OtlpSpan } from '../../src/otlp.ts';
import { expectedLog, expectedSpan, officialLogs, officialSpans } from './official-bodies.ts';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

// Heavy but bounded work; the shared 2-core machine can be slow, and speed is not under test here.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let spans: ReadableSpan[];
let logs: ReadableLogRecord[];

beforeAll(async () => {
  spans = await officialSpans();
  logs = await officialLogs();
});

function byId(a: OtlpSpan, b: OtlpSpan): number {
  return a.spanId.localeCompare(b.spanId);
}

describe.each([
  ['protobuf', ProtobufTraceSerializer, ProtobufLogsSerializer],
  ['json', JsonTraceSerializer, JsonLogsSerializer],
] as const)('bodies from the official %s serializer', (encoding, traceSerializer, logsSerializer) => {
  it('decode to exactly the spans the SDK produced', () => {
    const body = traceSerializer.serializeRequest(spans)!;
    const result = decodeTraces(body, encoding);
    if (!result.ok) throw new Error(result.error);
    expect(result.rejected).toBe(0);
    expect(result.problems).toEqual([]);
    expect(result.value.length).toBe(spans.length);
    expect([...result.value].sort(byId)).toEqual(spans.map(expectedSpan).sort(byId));
  });

  it('keep unicode, bytes and 64-bit ints exactly', () => {
    const result = decodeTraces(traceSerializer.serializeRequest(spans)!, encoding);
    if (!result.ok) throw new Error(result.error);
    const chat = result.value.find((s) => s.name === 'chat gpt-4o')!;
    expect(Object.getPrototypeOf(chat.attributes)).toBe(Object.prototype);
    expect(chat.attributes['huge.int']).toBe('1152921504606846976');
    expect(chat.attributes['min.int']).toBe('-9223372036854775808');
    expect(chat.attributes['bytes']).toBe('AAEC/f7/');
    expect(chat.status).toEqual({ code: 2, message: 'rate limited: 429 — retry' });
    expect(JSON.parse(chat.attributes['gen_ai.input.messages'] as string)[1].parts[0].content).toBe(
      'Héllo 👋 — 日本語? \u0000 "quoted"',
    );
  });

  it('share one resource object between the spans of a ResourceSpans', () => {
    const result = decodeTraces(traceSerializer.serializeRequest(spans)!, encoding);
    if (!result.ok) throw new Error(result.error);
    expect(new Set(result.value.map((s) => s.resource)).size).toBe(1);
  });

  it('decode log records with event names, bodies of every kind and span context', () => {
    const result = decodeLogs(logsSerializer.serializeRequest(logs)!, encoding);
    if (!result.ok) throw new Error(result.error);
    expect(result.rejected).toBe(0);
    const sort = (a: OtlpLogRecord, b: OtlpLogRecord) => a.eventName.localeCompare(b.eventName);
    expect([...result.value].sort(sort)).toEqual(logs.map(expectedLog).sort(sort));
    expect(result.value.find((l) => l.eventName === 'gen_ai.user.message')!.traceId).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
  });
});
