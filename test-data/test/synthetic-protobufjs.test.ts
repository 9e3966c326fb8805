/**
 * Checks the synthetic protobuf encoder with an independent protobuf implementation (protobufjs,
 * reflecting the message definitions of opentelemetry-proto's trace.proto/common.proto below), so
 * the encoder is not only verified by the decoder written alongside it.
 */
import protobuf from 'protobufjs';
import { describe, expect, it, vi } from 'vitest';
import type { AnyValue, Attributes, OtlpSpan } from '@parley/shared/otlp';
import { encodeTracesRequest } from '../src/synthetic/encode-protobuf.ts';
import { generateBatches } from '../src/synthetic/generate.ts';

// Heavy but bounded work; the shared 2-core machine can be slow, and speed is not under test here.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const f = (id: number, type: string, rule?: 'repeated') => ({ id, type, ...(rule ? { rule } : {}) });
const root = protobuf.Root.fromJSON({
  nested: {
    AnyValue: {
      oneofs: {
        value: {
          oneof: [
            'stringValue',
            'boolValue',
            'intValue',
            'doubleValue',
            'arrayValue',
            'kvlistValue',
            'bytesValue',
          ],
        },
      },
      fields: {
        stringValue: f(1, 'string'),
        boolValue: f(2, 'bool'),
        intValue: f(3, 'int64'),
        doubleValue: f(4, 'double'),
        arrayValue: f(5, 'ArrayValue'),
        kvlistValue: f(6, 'KeyValueList'),
        bytesValue: f(7, 'bytes'),
      },
    },
    ArrayValue: { fields: { values: f(1, 'AnyValue', 'repeated') } },
    KeyValueList: { fields: { values: f(1, 'KeyValue', 'repeated') } },
    KeyValue: { fields: { key: f(1, 'string'), value: f(2, 'AnyValue') } },
    InstrumentationScope: { fields: { name: f(1, 'string'), version: f(2, 'string') } },
    Resource: { fields: { attributes: f(1, 'KeyValue', 'repeated') } },
    Status: { fields: { message: f(2, 'string'), code: f(3, 'int32') } },
    Event: {
      fields: {
        timeUnixNano: f(1, 'fixed64'),
        name: f(2, 'string'),
        attributes: f(3, 'KeyValue', 'repeated'),
      },
    },
    Link: {
      fields: { traceId: f(1, 'bytes'), spanId: f(2, 'bytes'), attributes: f(4, 'KeyValue', 'repeated') },
    },
    Span: {
      fields: {
        traceId: f(1, 'bytes'),
        spanId: f(2, 'bytes'),
        parentSpanId: f(4, 'bytes'),
        name: f(5, 'string'),
        kind: f(6, 'int32'),
        startTimeUnixNano: f(7, 'fixed64'),
        endTimeUnixNano: f(8, 'fixed64'),
        attributes: f(9, 'KeyValue', 'repeated'),
        events: f(11, 'Event', 'repeated'),
        links: f(13, 'Link', 'repeated'),
        status: f(15, 'Status'),
      },
    },
    ScopeSpans: { fields: { scope: f(1, 'InstrumentationScope'), spans: f(2, 'Span', 'repeated') } },
    ResourceSpans: { fields: { resource: f(1, 'Resource'), scopeSpans: f(2, 'ScopeSpans', 'repeated') } },
    ExportTraceServiceRequest: { fields: { resourceSpans: f(1, 'ResourceSpans', 'repeated') } },
  },
});
const Request = root.lookupType('ExportTraceServiceRequest');

type Pj = Record<string, unknown>;
const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');
const micros = (ns: string) => (ns.length > 3 ? Number(ns.slice(0, -3)) : 0);

function value(v: Pj | undefined): AnyValue {
  if (!v) return null;
  if (v['stringValue'] !== undefined) return v['stringValue'] as string;
  if (v['boolValue'] !== undefined) return v['boolValue'] as boolean;
  if (v['intValue'] !== undefined) return Number(v['intValue']);
  if (v['doubleValue'] !== undefined) return v['doubleValue'] as number;
  if (v['arrayValue'] !== undefined) return (((v['arrayValue'] as Pj)['values'] ?? []) as Pj[]).map(value);
  if (v['kvlistValue'] !== undefined) return attrs(((v['kvlistValue'] as Pj)['values'] ?? []) as Pj[]);
  return null;
}

function attrs(kvs: Pj[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) out[kv['key'] as string] = value(kv['value'] as Pj | undefined);
  return out;
}

function spansOf(body: Uint8Array): OtlpSpan[] {
  const req = Request.toObject(Request.decode(body), { longs: String, arrays: true, defaults: false }) as Pj;
  const out: OtlpSpan[] = [];
  for (const rs of req['resourceSpans'] as Pj[]) {
    const resource = attrs((rs['resource'] as Pj)['attributes'] as Pj[]);
    for (const ss of rs['scopeSpans'] as Pj[]) {
      const scope = ss['scope'] as Pj;
      for (const s of ss['spans'] as Pj[]) {
        const status = (s['status'] ?? {}) as Pj;
        out.push({
          traceId: hex(s['traceId'] as Uint8Array),
          spanId: hex(s['spanId'] as Uint8Array),
          parentSpanId: hex(s['parentSpanId'] as Uint8Array | undefined),
          name: s['name'] as string,
          kind: ((s['kind'] as number | undefined) ?? 0) as OtlpSpan['kind'],
          startTimeUs: micros(s['startTimeUnixNano'] as string),
          endTimeUs: micros(s['endTimeUnixNano'] as string),
          attributes: attrs(s['attributes'] as Pj[]),
          events: ((s['events'] ?? []) as Pj[]).map((e) => ({
            timeUs: micros(e['timeUnixNano'] as string),
            name: e['name'] as string,
            attributes: attrs(e['attributes'] as Pj[]),
          })),
          links: ((s['links'] ?? []) as Pj[]).map((l) => ({
            traceId: hex(l['traceId'] as Uint8Array),
            spanId: hex(l['spanId'] as Uint8Array),
            attributes: attrs(l['attributes'] as Pj[]),
          })),
          status: {
            code: ((status['code'] as number | undefined) ?? 0) as OtlpSpan['status']['code'],
            message: (status['message'] as string | undefined) ?? '',
          },
          resource,
          scope: { name: scope['name'] as string, version: (scope['version'] as string | undefined) ?? '' },
        });
      }
    }
  }
  return out;
}

describe('synthetic protobuf bodies read by protobufjs', () => {
  it('carry exactly the generated spans', () => {
    const byId = (a: OtlpSpan, b: OtlpSpan) => a.spanId.localeCompare(b.spanId);
    let checked = 0;
    for (const batch of generateBatches({
      spans: 1200,
      sessions: 100,
      seed: 11,
      endMs: Date.parse('2026-11-20T00:00:00Z'),
    })) {
      expect(spansOf(encodeTracesRequest(batch)).sort(byId)).toEqual([...batch].sort(byId));
      checked += batch.length;
    }
    expect(checked).toBe(1200);
  });

  it('encode negative ints as 10-byte two’s complement varints', () => {
    const span = [
      ...generateBatches({ spans: 1, sessions: 1, seed: 1, endMs: Date.parse('2026-11-20T00:00:00Z') }),
    ][0]![0]!;
    const body = encodeTracesRequest([{ ...span, attributes: { neg: -5, min: -9_007_199_254_740_991 } }]);
    expect(spansOf(body)[0]!.attributes).toEqual({ neg: -5, min: -9_007_199_254_740_991 });
  });
});
