import { normalizeBatch } from '@parley/shared/normalizer/index';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceSlices } from '../../src/storage/trace-slices.ts';
import { BASE_US, userMessageLog } from './otlp-builders.ts';

const byKey = <T>(rows: T[], key: (row: T) => string): T[] =>
  [...rows].sort((a, b) => key(a).localeCompare(key(b)));

describe('trace slices', () => {
  it('keeps each trace whole and in one slice, slices no larger than asked unless one trace is', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (traces, max) => {
          const items = traces.map((t, i) => ({ traceId: `t${t}`, i }));
          const slices = traceSlices(items, max);
          expect(
            slices
              .flat()
              .map((x) => x.i)
              .sort((a, b) => a - b),
          ).toEqual(items.map((x) => x.i));
          const sliceOf = new Map<string, number>();
          slices.forEach((slice, n) => {
            const sizes = new Map<string, number>();
            for (const { traceId } of slice) {
              expect(sliceOf.get(traceId) ?? n).toBe(n);
              sliceOf.set(traceId, n);
              sizes.set(traceId, (sizes.get(traceId) ?? 0) + 1);
            }
            if (slice.length > max) expect(sizes.size).toBe(1);
          });
          // A trace keeps its items' order.
          for (const slice of slices) {
            for (const t of new Set(slice.map((x) => x.traceId))) {
              const order = slice.filter((x) => x.traceId === t).map((x) => x.i);
              expect(order).toEqual([...order].sort((a, b) => a - b));
            }
          }
        },
      ),
    );
  });

  it('gives the rows of normalizing the whole record when its slices are normalized one by one', () => {
    const spans = [
      ...generateBatches({
        spans: 1200,
        sessions: 90,
        seed: 11,
        endMs: Date.UTC(2026, 0, 1),
        batchSize: 1200,
      }),
    ].flat();
    const whole = normalizeBatch({ spans, logs: [] }, { pricer: null });
    const sliced = traceSlices(spans, 64).map((slice) =>
      normalizeBatch({ spans: slice, logs: [] }, { pricer: null }),
    );
    expect(sliced.length).toBeGreaterThan(10);
    const spanKey = (r: { span_id: string }) => r.span_id;
    const messageKey = (r: { span_id: string; seq: number; direction: string }) =>
      `${r.span_id}/${r.direction}/${String(r.seq).padStart(4, '0')}`;
    expect(
      byKey(
        sliced.flatMap((n) => n.spans),
        spanKey,
      ),
    ).toEqual(byKey(whole.spans, spanKey));
    expect(whole.messages.length).toBeGreaterThan(1000);
    expect(
      byKey(
        sliced.flatMap((n) => n.messages),
        messageKey,
      ),
    ).toEqual(byKey(whole.messages, messageKey));

    // Log records: one span's messages, numbered across its records, stay together.
    const logs = Array.from({ length: 300 }, (_, i) =>
      userMessageLog(i % 40, (i % 40) + 1, BASE_US + i, `m${i}`),
    );
    const wholeLogs = normalizeBatch({ spans: [], logs }, { pricer: null });
    const slicedLogs = traceSlices(logs, 16).flatMap(
      (slice) => normalizeBatch({ spans: [], logs: slice }, { pricer: null }).messages,
    );
    expect(byKey(slicedLogs, messageKey)).toEqual(byKey(wholeLogs.messages, messageKey));
  });
});
