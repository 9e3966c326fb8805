import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeTraces } from '../../src/otlp/decode.ts';
import { SPAN, TRACE, bytes, fixed64, hex, len, request, span, str, tag, varint, vint } from './pb.ts';

function ok<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('protobuf decoding edge cases', () => {
  it('accepts an empty body as an empty request', () => {
    expect(decodeTraces(new Uint8Array(0), 'protobuf')).toEqual({
      ok: true,
      value: [],
      rejected: 0,
      problems: [],
    });
  });

  it('replaces invalid UTF-8 and records a problem', () => {
    const result = decodeTraces(request([span(len(5, [0x61, 0xff, 0x62]))]), 'protobuf');
    expect(ok(result)[0]!.name).toBe('a\uFFFDb');
    expect(result.ok && result.problems.map((p) => p.code)).toEqual(['invalid_utf8']);
  });

  it('skips unknown fields of every wire type, including groups', () => {
    const unknown = [
      ...vint(100, 7),
      ...fixed64(101, 5n),
      ...str(102, 'x'),
      ...tag(103, 5),
      1,
      2,
      3,
      4,
      ...tag(104, 3),
      ...vint(1, 1),
      ...tag(104, 4),
    ];
    const spans = ok(decodeTraces(request([span(unknown, str(5, 'kept'))], unknown), 'protobuf'));
    expect(spans.map((s) => s.name)).toEqual(['kept']);
  });

  it('reads packed encodings of scalar fields (last value wins)', () => {
    const spans = ok(decodeTraces(request([span(len(6, [1, 3]), len(15, len(3, [0, 2])))]), 'protobuf'));
    expect(spans[0]!.kind).toBe(3);
    expect(spans[0]!.status.code).toBe(2);
  });

  it('converts fixed64 nanoseconds to microseconds without float rounding', () => {
    const spans = ok(
      decodeTraces(
        request([span(fixed64(7, 1795673112813758072n), fixed64(8, 1795673112813758999n))]),
        'protobuf',
      ),
    );
    expect(spans[0]!.startTimeUs).toBe(1795673112813758);
    expect(spans[0]!.endTimeUs).toBe(1795673112813758);
  });

  it('turns int64 beyond 2^53 into exact decimal strings, smaller ones into numbers', () => {
    const kv = (key: string, value: bigint) => len(9, [...str(1, key), ...len(2, vint(3, value))]);
    const spans = ok(
      decodeTraces(
        request([
          span(
            kv('big', 2n ** 62n + 1n),
            kv('neg', -(2n ** 60n)),
            kv('small', -3n),
            kv('max', 2n ** 53n - 1n),
          ),
        ]),
        'protobuf',
      ),
    );
    expect(spans[0]!.attributes).toEqual({
      big: '4611686018427387905',
      neg: '-1152921504606846976',
      small: -3,
      max: 2 ** 53 - 1,
    });
  });

  it('keeps an attribute named __proto__ as data', () => {
    const spans = ok(
      decodeTraces(request([span(len(9, [...str(1, '__proto__'), ...len(2, str(1, 'x'))]))]), 'protobuf'),
    );
    expect(Object.getPrototypeOf(spans[0]!.attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(spans[0]!.attributes, '__proto__')?.value).toBe('x');
  });

  it('rejects spans with a wrong-length trace id and keeps the others', () => {
    const bad = [...len(1, [1, 2, 3]), ...len(2, hex(SPAN))];
    const result = decodeTraces(request([bad, span(str(5, 'good'))]), 'protobuf');
    expect(result.ok && result.rejected).toBe(1);
    expect(ok(result).map((s) => s.name)).toEqual(['good']);
    expect(result.ok && result.problems[0]!.message).toContain('resource_spans[0].scope_spans[0].spans[0]');
  });

  it('reads all-zero ids as absent: such a span is rejected, a parent or a log id is none', () => {
    const zeros = (n: number): number[] => new Array<number>(n).fill(0);
    const zeroTrace = [...len(1, zeros(16)), ...len(2, hex(SPAN)), ...str(5, 'zero trace')];
    const zeroSpan = [...len(1, hex(TRACE)), ...len(2, zeros(8)), ...str(5, 'zero span')];
    const zeroParent = span(len(4, zeros(8)), str(5, 'root'));
    for (const text of [true, false]) {
      const result = decodeTraces(request([zeroTrace, zeroSpan, zeroParent]), 'protobuf', { text });
      expect(result.ok && result.rejected).toBe(2);
      expect(result.ok && result.problems.map((p) => p.message)).toEqual([
        expect.stringContaining('trace_id is missing, all zeros or not 16 bytes'),
        expect.stringContaining('span_id is missing, all zeros or not 8 bytes'),
      ]);
      expect(ok(result).map((s) => [s.name, s.parentSpanId])).toEqual([[text ? 'root' : '', '']]);
    }
    const record = [...len(9, zeros(16)), ...len(10, zeros(8)), ...len(5, str(1, 'outside a span'))];
    const logs = ok(decodeLogs(bytes(len(1, len(2, len(2, record)))), 'protobuf'));
    expect(logs[0]).toMatchObject({ traceId: '', spanId: '', body: 'outside a span' });
  });

  it('attaches a resource that follows its spans on the wire', () => {
    const resource = len(1, len(1, [...str(1, 'service.name'), ...len(2, str(1, 'late'))]));
    const spans = ok(decodeTraces(request([span()], resource), 'protobuf'));
    expect(spans[0]!.resource).toEqual({ 'service.name': 'late' });
    expect(spans[0]!.traceId).toBe(TRACE);
  });

  it('reports a truncated body with the byte offset and the message path', () => {
    const body = request([span(str(5, 'first')), span(str(5, 'second'))]);
    const result = decodeTraces(body.subarray(0, body.length - 3), 'protobuf');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^truncated protobuf.* at byte \d+ in resource_spans\[0\]/);
  });

  it('reports a wrong wire type for a known field', () => {
    const result = decodeTraces(request([span(vint(5, 1))]), 'protobuf');
    expect(!result.ok && result.error).toMatch(
      /field name has wire type 0, expected 2 at byte \d+ in resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]/,
    );
  });

  it('decodes log records with event_name, bytes body and optional ids', () => {
    const record = [
      ...fixed64(1, 1_700_000_000_123_456_000n),
      ...vint(2, 9),
      ...len(5, len(7, [1, 2, 3])),
      ...len(9, hex(TRACE)),
      ...len(10, hex(SPAN)),
      ...str(12, 'gen_ai.choice'),
    ];
    const noIds = [...len(5, str(1, 'plain'))];
    const body = bytes(len(1, len(2, [...len(2, record), ...len(2, noIds)])));
    const logs = ok(decodeLogs(body, 'protobuf'));
    expect(logs[0]).toMatchObject({
      timeUs: 1_700_000_000_123_456,
      severityNumber: 9,
      body: 'AQID',
      traceId: TRACE,
      spanId: SPAN,
      eventName: 'gen_ai.choice',
    });
    expect(logs[1]).toMatchObject({ traceId: '', spanId: '', body: 'plain', eventName: '' });
  });

  it('rejects a field number 0 and over-long varints as malformed', () => {
    expect(decodeTraces(bytes([0x00, 0x00]), 'protobuf').ok).toBe(false);
    expect(decodeTraces(bytes(tag(100, 0), Array(11).fill(0xff)), 'protobuf').ok).toBe(false);
    expect(varint(1).length).toBe(1);
  });

  it('refuses AnyValue nesting deeper than 64 levels instead of overflowing the stack', () => {
    let value = str(1, 'leaf');
    for (let i = 0; i < 100; i++) value = len(5, len(1, value));
    const result = decodeTraces(request([span(len(9, [...str(1, 'deep'), ...len(2, value)]))]), 'protobuf');
    expect(!result.ok && result.error).toMatch(/^AnyValue nested deeper than 64 in deep at byte \d+/);
  });
});
