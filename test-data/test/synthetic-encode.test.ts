import { describe, expect, it, vi } from 'vitest';
import { decodeTraces } from '@parley/shared/otlp/decode';
import type { OtlpSpan } from '@parley/shared/otlp';
import { encodeTracesRequestJson } from '../src/synthetic/encode-json.ts';
import { encodeTracesRequest } from '../src/synthetic/encode-protobuf.ts';
import { generateBatches } from '../src/synthetic/generate.ts';

// Heavy but bounded work; the shared 2-core machine can be slow, and speed is not under test here.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const options = {
  spans: 1500,
  sessions: 150,
  seed: 42,
  endMs: Date.parse('2026-11-20T00:00:00Z'),
  batchSize: 512,
};
const byId = (a: OtlpSpan, b: OtlpSpan) => a.spanId.localeCompare(b.spanId);

function decoded(body: Uint8Array, encoding: 'protobuf' | 'json'): OtlpSpan[] {
  const result = decodeTraces(body, encoding);
  if (!result.ok) throw new Error(result.error);
  expect(result.rejected).toBe(0);
  expect(result.problems).toEqual([]);
  return result.value;
}

describe.each([
  ['protobuf', encodeTracesRequest],
  ['json', encodeTracesRequestJson],
] as const)('synthetic %s bodies', (encoding, encode) => {
  it('are byte-identical for the same seed and end time', () => {
    const a = [...generateBatches(options)].map(encode);
    const b = [...generateBatches(options)].map(encode);
    expect(a.length).toBe(3);
    a.forEach((body, i) => expect(Buffer.compare(body, b[i]!)).toBe(0));
  });

  it('decode to the generated spans', () => {
    for (const batch of generateBatches(options)) {
      expect([...decoded(encode(batch), encoding)].sort(byId)).toEqual([...batch].sort(byId));
    }
  });

  it('round-trip every value shape, long strings and exact microseconds', () => {
    const resource = { 'service.name': 'x' };
    const scope = { name: 's', version: '' };
    const long = 'é'.repeat(70_000);
    const span: OtlpSpan = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      parentSpanId: '',
      name: 'ünïcode 🚀',
      kind: 5,
      startTimeUs: 9_007_199_254_740_991,
      endTimeUs: 1_795_673_112_813_758,
      attributes: {
        neg: -1,
        min: -9_007_199_254_740_991,
        max: 9_007_199_254_740_991,
        dbl: -0.5,
        t: true,
        f: false,
        none: null,
        arr: [1, 'a', [true], { k: 2 }],
        kv: { deep: { deeper: 'x' } },
        long,
      },
      events: [{ timeUs: 1, name: 'e', attributes: { a: 'b' } }],
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b7ad6b7169203332', attributes: {} }],
      status: { code: 1, message: '' },
      resource,
      scope,
    };
    expect(decoded(encode([span]), encoding)).toEqual([span]);
  });
});
