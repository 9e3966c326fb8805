import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type DecodeResult, decodeLogs, decodeTraces } from '../../src/otlp/decode.ts';
import { ID_UNBUILT } from '../../src/otlp/protobuf-common.ts';
import { officialLogs, officialSpans } from './official-bodies.ts';

// Heavy but bounded work; the shared 2-core machine can be slow, and speed is not under test here.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const bodies: Record<string, Uint8Array> = {};

beforeAll(async () => {
  const spans = await officialSpans();
  const logs = await officialLogs();
  bodies['traces.protobuf'] = ProtobufTraceSerializer.serializeRequest(spans)!;
  bodies['traces.json'] = JsonTraceSerializer.serializeRequest(spans)!;
  bodies['logs.protobuf'] = ProtobufLogsSerializer.serializeRequest(logs)!;
  bodies['logs.json'] = JsonLogsSerializer.serializeRequest(logs)!;
});

/** Never throws; either a well-formed success or an error that says what went wrong. */
function wellFormed(result: DecodeResult<unknown[]>, encoding: string): void {
  if (result.ok) {
    expect(Array.isArray(result.value)).toBe(true);
    expect(result.rejected).toBeGreaterThanOrEqual(0);
    expect(result.problems.length).toBeLessThanOrEqual(100);
  } else if (encoding === 'protobuf') {
    expect(result.error).toMatch(/ at byte \d+/);
  } else {
    expect(result.error).toMatch(/^(invalid JSON|malformed OTLP\/JSON)/);
  }
}

/** The body with 1–8 bytes overwritten or bit-flipped. */
function damaged(original: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean());
  return fc.array(edit, { minLength: 1, maxLength: 8 }).map((edits) => {
    const body = original.slice();
    for (const [at, value, flip] of edits) body[at] = flip ? body[at]! ^ (1 << (value & 7)) : value;
    return body;
  });
}

const cases = [
  ['traces', 'protobuf'],
  ['traces', 'json'],
  ['logs', 'protobuf'],
  ['logs', 'json'],
] as const;

function decode(
  signal: 'traces' | 'logs',
  body: Uint8Array,
  encoding: 'protobuf' | 'json',
): DecodeResult<unknown[]> {
  return signal === 'traces' ? decodeTraces(body, encoding) : decodeLogs(body, encoding);
}

describe.each(cases)('fuzzing %s %s', (signal, encoding) => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (body) =>
        wellFormed(decode(signal, body, encoding), encoding),
      ),
      { numRuns: 2000 },
    );
  });

  it('every truncation of a real body', () => {
    const body = bodies[`${signal}.${encoding}`]!;
    for (let n = 0; n < body.length; n++) {
      const result = decode(signal, body.subarray(0, n), encoding);
      wellFormed(result, encoding);
      // One top-level message: every non-empty protobuf prefix is incomplete, every JSON prefix invalid.
      if (encoding === 'json' || n > 0) expect(result.ok).toBe(false);
    }
  });

  it('bit flips and byte overwrites of a real body', () => {
    const original = bodies[`${signal}.${encoding}`]!;
    fc.assert(
      fc.property(damaged(original), (body) => wellFormed(decode(signal, body, encoding), encoding)),
      { numRuns: 1500 },
    );
  });
});

describe('fuzzing structured JSON', () => {
  it('arbitrary JSON values in place of OTLP fields', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const body = new TextEncoder().encode(
          JSON.stringify({
            resourceSpans: [
              {
                resource: a,
                scopeSpans: [{ spans: [{ traceId: b, spanId: a, attributes: b, events: a, status: b }] }],
              },
            ],
          }),
        );
        wellFormed(decodeTraces(body, 'json'), 'json');
        wellFormed(
          decodeLogs(
            new TextEncoder().encode(
              JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [a, b] }] }] }),
            ),
            'json',
          ),
          'json',
        );
      }),
      { numRuns: 1000 },
    );
  });
});

/** What a receiver reads from a decode: validity, error, item count, rejections and problems. */
function outcome(result: DecodeResult<unknown[]>) {
  return result.ok
    ? { ok: true, items: result.value.length, rejected: result.rejected, problems: result.problems }
    : { ok: false, error: result.error };
}

describe.each(['traces', 'logs'] as const)('decoding %s protobuf without string values', (signal) => {
  const scan = (body: Uint8Array): DecodeResult<unknown[]> =>
    signal === 'traces'
      ? decodeTraces(body, 'protobuf', { text: false })
      : decodeLogs(body, 'protobuf', { text: false });
  const agrees = (body: Uint8Array): void => {
    expect(outcome(scan(body))).toEqual(outcome(decode(signal, body, 'protobuf')));
  };

  it('gives the outcome of the full decode for real, truncated and damaged bodies', () => {
    const original = bodies[`${signal}.protobuf`]!;
    agrees(original);
    const full = decode(signal, original, 'protobuf');
    expect(full.ok && full.value.length).toBeGreaterThan(0);
    for (let n = 0; n < original.length; n += 7) agrees(original.subarray(0, n));
    fc.assert(fc.property(damaged(original), agrees), { numRuns: 1500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), agrees), { numRuns: 1000 });
  });

  it('reports invalid UTF-8 in a string value as the full decode does, and builds no values', () => {
    const original = bodies[`${signal}.protobuf`]!;
    let damaged = 0;
    for (let at = 0; at < original.length && damaged < 40; at += 11) {
      const body = original.slice();
      body[at] = 0xff;
      const full = decode(signal, body, 'protobuf');
      if (!full.ok || !full.problems.some((p) => p.code === 'invalid_utf8')) continue;
      damaged++;
      agrees(body);
    }
    expect(damaged).toBeGreaterThan(5);
    const result = scan(original);
    const first = result.ok
      ? (result.value[0] as { name?: string; attributes: object; traceId: string; spanId: string })
      : null;
    expect(signal === 'traces' ? first?.name : '').toBe('');
    expect(first?.attributes).toEqual({});
    expect([first?.traceId, first?.spanId]).toEqual([ID_UNBUILT, ID_UNBUILT]);
  });
});
