import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeTraces } from '../../src/otlp/decode.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const traces = (spans: unknown[], extra: Record<string, unknown> = {}) =>
  enc({
    resourceSpans: [
      { resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans }], ...extra },
    ],
  });

function ok<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('OTLP/JSON quirks', () => {
  it('accepts enums by name, times as numbers, ints as strings, NaN/Infinity doubles', () => {
    const spans = ok(
      decodeTraces(
        traces([
          {
            traceId: TRACE.toUpperCase(),
            spanId: SPAN,
            name: 'x',
            kind: 'SPAN_KIND_CLIENT',
            startTimeUnixNano: 1_700_000_000_000_001_000,
            endTimeUnixNano: '1700000000000002999',
            status: { code: 'STATUS_CODE_ERROR', message: 'm' },
            attributes: [
              { key: 'i', value: { intValue: '42' } },
              { key: 'big', value: { intValue: '9007199254740993' } },
              { key: 'nan', value: { doubleValue: 'NaN' } },
              { key: 'inf', value: { doubleValue: 'Infinity' } },
              { key: 'ninf', value: { doubleValue: '-Infinity' } },
              { key: 'empty', value: {} },
              {
                key: 'kv',
                value: {
                  kvlistValue: {
                    values: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: true }] } } }],
                  },
                },
              },
            ],
          },
        ]),
        'json',
      ),
    );
    expect(spans[0]).toMatchObject({
      traceId: TRACE,
      kind: 3,
      endTimeUs: 1_700_000_000_000_002,
      status: { code: 2, message: 'm' },
    });
    expect(spans[0]!.attributes).toEqual({
      i: 42,
      big: '9007199254740993',
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      empty: null,
      kv: { a: [true] },
    });
  });

  it('tolerates base64 ids with a problem', () => {
    const b64 = btoa(String.fromCharCode(...TRACE.match(/../g)!.map((h) => parseInt(h, 16))));
    const result = decodeTraces(traces([{ traceId: b64, spanId: SPAN, name: 'b' }]), 'json');
    expect(ok(result)[0]!.traceId).toBe(TRACE);
    expect(result.ok && result.problems.map((p) => p.code)).toEqual(['base64_id']);
  });

  it('tolerates snake_case field names', () => {
    const body = enc({
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: TRACE,
                  span_id: SPAN,
                  parent_span_id: SPAN,
                  start_time_unix_nano: '5000',
                  name: 's',
                },
              ],
            },
          ],
        },
      ],
    });
    expect(ok(decodeTraces(body, 'json'))[0]).toMatchObject({ parentSpanId: SPAN, startTimeUs: 5 });
  });

  it('rejects a span with a bad id or a non-string name and keeps the rest', () => {
    const result = decodeTraces(
      traces([
        { traceId: 'zz', spanId: SPAN },
        { traceId: TRACE, spanId: SPAN, name: 7 },
        { traceId: TRACE, spanId: SPAN, name: 'fine' },
      ]),
      'json',
    );
    expect(result.ok && result.rejected).toBe(2);
    expect(ok(result).map((s) => s.name)).toEqual(['fine']);
    expect(result.ok && result.problems[0]!.message).toContain('resourceSpans[0].scopeSpans[0].spans[0]');
    expect(result.ok && result.problems[0]!.code).toBe('span_rejected');
  });

  it('reads all-zero ids, hex or base64, as absent', () => {
    const result = decodeTraces(
      traces([
        { traceId: '0'.repeat(32), spanId: SPAN, name: 'zero trace' },
        { traceId: TRACE, spanId: 'AAAAAAAAAAA=', name: 'zero span, base64' },
        { traceId: TRACE, spanId: SPAN, parentSpanId: '0'.repeat(16), name: 'root' },
      ]),
      'json',
    );
    expect(result.ok && result.rejected).toBe(2);
    expect(result.ok && result.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('traceId is missing, all zeros or not 16 bytes of hex'),
      expect.stringContaining('spanId is missing, all zeros or not 8 bytes of hex'),
    ]);
    expect(ok(result).map((s) => [s.name, s.parentSpanId])).toEqual([['root', '']]);
  });

  it('keeps an attribute named __proto__ as data', () => {
    const spans = ok(
      decodeTraces(
        traces([
          { traceId: TRACE, spanId: SPAN, attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] },
        ]),
        'json',
      ),
    );
    expect(Object.getPrototypeOf(spans[0]!.attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(spans[0]!.attributes, '__proto__')?.value).toBe('x');
  });

  it('answers malformed bodies with a clear error', () => {
    expect(decodeTraces(enc('{"resourceSpans": ['), 'json')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^invalid JSON/),
    });
    expect(decodeTraces(enc('[1]'), 'json')).toEqual({
      ok: false,
      error: 'malformed OTLP/JSON: request is not an object at top level',
    });
    expect(decodeTraces(enc({ resourceSpans: {} }), 'json')).toEqual({
      ok: false,
      error: 'malformed OTLP/JSON: resourceSpans is not an array at top level',
    });
    expect(decodeTraces(enc({ resourceSpans: [{ scopeSpans: [{ spans: 3 }] }] }), 'json')).toEqual({
      ok: false,
      error: 'malformed OTLP/JSON: spans is not an array at resourceSpans[0].scopeSpans[0]',
    });
  });

  it('replaces invalid UTF-8 in a JSON body with a problem', () => {
    const body = new Uint8Array([
      ...enc(
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' +
          TRACE +
          '","spanId":"' +
          SPAN +
          '","name":"a',
      ),
      0xff,
      ...enc('"}]}]}]}'),
    ]);
    const result = decodeTraces(body, 'json');
    expect(ok(result)[0]!.name).toBe('a\uFFFD');
    expect(result.ok && result.problems[0]!.code).toBe('invalid_utf8');
  });

  it('decodes logs with severity names, eventName and optional ids', () => {
    const body = enc({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1000000',
                  severityNumber: 'SEVERITY_NUMBER_WARN',
                  eventName: 'gen_ai.choice',
                  body: { kvlistValue: { values: [{ key: 'index', value: { intValue: 0 } }] } },
                  traceId: TRACE,
                  spanId: SPAN,
                },
                { severityNumber: 17, body: { stringValue: 'no ids' } },
                { traceId: 'abc', body: { stringValue: 'bad id' } },
              ],
            },
          ],
        },
      ],
    });
    const result = decodeLogs(body, 'json');
    expect(result.ok && result.rejected).toBe(1);
    expect(ok(result)).toMatchObject([
      {
        timeUs: 1000,
        severityNumber: 13,
        eventName: 'gen_ai.choice',
        body: { index: 0 },
        traceId: TRACE,
        spanId: SPAN,
      },
      { severityNumber: 17, body: 'no ids', traceId: '', spanId: '' },
    ]);
  });

  it('refuses AnyValue nesting deeper than 64 levels', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 100; i++) value = { arrayValue: { values: [value] } };
    const result = decodeTraces(
      traces([{ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'deep', value }] }]),
      'json',
    );
    expect(result).toEqual({
      ok: false,
      error: 'malformed OTLP/JSON: AnyValue nested deeper than 64 in deep',
    });
  });
});
