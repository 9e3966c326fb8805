import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CREATE_SESSION_ROLLUP_SQL } from '../../src/sql/filters.ts';
import { mapTimeBuckets } from '../../src/sql/rows.ts';
import { chartReadsSpans, summaryTimeseries } from '../../src/sql/summary-timeseries.ts';
import { timeseries } from '../../src/sql/timeseries.ts';
import { defaultViewState } from '../../src/url-state.ts';
import type { TimeBucket, ViewState } from '../../src/view.ts';
import { type Dataset, openDataset } from './duck.ts';
import { type Built, HOUR, NOW, T0, buildPageData, effectiveKey, fileGroups } from './fixture.ts';

// Real DuckDB over Parquet on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let ds: Dataset;
let data: Built;

beforeAll(async () => {
  data = buildPageData();
  ds = await openDataset(fileGroups(data));
  await ds.conn.run(CREATE_SESSION_ROLLUP_SQL);
});
afterAll(() => ds?.close());

const view = (patch: Partial<ViewState>): ViewState => ({
  ...defaultViewState(),
  time: { kind: 'relative', range: 'all' },
  ...patch,
});

/** The figures both series give alike: costs are compared to a precision, unreported calls as bounds. */
const withoutCost = (buckets: TimeBucket[]) =>
  buckets.map(({ unreportedInputCalls: _i, unreportedOutputCalls: _o, unreportedExact: _e, ...b }) => ({
    ...b,
    totalCostUsd: null,
  }));

describe('summaryTimeseries', () => {
  it('matches the span-based series bucket for bucket over hourly summaries', async () => {
    const extent = { minUs: T0, maxUs: NOW };
    for (const v of [
      view({}),
      view({ search: 'ALPHA' }),
      view({ models: ['claude-sonnet-4'] }),
      view({ search: 'filler-00', models: ['gpt-4o'] }),
      view({ search: 'trace:' }),
    ]) {
      const q = summaryTimeseries(v, NOW, extent);
      const spanQ = timeseries(v, NOW, extent);
      expect(q.bucketUs).toBe(spanQ.bucketUs);
      expect(q.bucketUs % HOUR).toBe(0);
      // Sessions with no LLM call in an hour still have a summary row there: an all-zero bucket.
      const fromSummaries = mapTimeBuckets(await ds.run(q)).filter((b) => b.llmCalls > 0);
      const fromSpans = mapTimeBuckets(await ds.run(spanQ));
      expect(fromSpans.length).toBeGreaterThan(0);
      expect(withoutCost(fromSummaries)).toEqual(withoutCost(fromSpans));
      fromSummaries.forEach((b, i) => {
        // A summary row counts its calls as unreported only where none of them reported.
        expect(b.unreportedExact).toBe(false);
        expect(b.unreportedInputCalls).toBeLessThanOrEqual(fromSpans[i]?.unreportedInputCalls ?? 0);
        expect(b.unreportedOutputCalls).toBeLessThanOrEqual(fromSpans[i]?.unreportedOutputCalls ?? 0);
        const cost = fromSpans[i]?.totalCostUsd ?? null;
        if (cost === null) expect(b.totalCostUsd).toBeNull();
        else expect(b.totalCostUsd).toBeCloseTo(cost, 9);
      });
    }
  });

  it('counts the summaries that overlap a relative range, in hour buckets at least, at their first time', async () => {
    const from = NOW - 24 * HOUR;
    const q = summaryTimeseries(view({ time: { kind: 'relative', range: '24h' } }), NOW, null);
    // A day's chart from per-day rows put a session's whole day at its first call: hour rows and
    // hour buckets keep every call in its own bucket.
    expect(q.bucketUs).toBe(HOUR);
    const buckets = mapTimeBuckets(await ds.run(q));
    const overlapping = data.summaries.filter((s) => s.last_time >= from);
    expect(overlapping.length).toBeGreaterThan(0);
    expect(buckets.reduce((a, b) => a + b.llmCalls, 0)).toBe(
      overlapping.reduce((a, s) => a + s.llm_calls, 0),
    );
    expect(buckets.reduce((a, b) => a + (b.inputTokens ?? 0), 0)).toBe(
      overlapping.reduce((a, s) => a + (s.input_tokens ?? 0), 0),
    );
    const earliest = Math.max(from, Math.min(...overlapping.map((s) => s.first_time)));
    expect(buckets[0]?.bucketUs).toBe(earliest - (earliest % q.bucketUs));
    for (const b of buckets) expect(b.bucketUs % q.bucketUs).toBe(0);
  });

  it('counts a row that began before the range (older data, a row per day) at the range start', async () => {
    // sess-alpha's hour rows merged into one, as collectors wrote them before rows were per hour.
    const rows = data.summaries.filter((r) => r.session_id === 'sess-alpha');
    expect(rows.length).toBeGreaterThan(1);
    const dayRow = {
      ...(rows[0] as (typeof rows)[number]),
      first_time: Math.min(...rows.map((r) => r.first_time)),
      last_time: Math.max(...rows.map((r) => r.last_time)),
      llm_calls: rows.reduce((a, r) => a + r.llm_calls, 0),
      input_tokens: rows.reduce((a, r) => a + (r.input_tokens ?? 0), 0),
    };
    const old = await openDataset(
      fileGroups({
        spans: data.spans.filter((x) => x.session_id === 'sess-alpha'),
        messages: [],
        summaries: [dayRow],
      }),
    );
    try {
      await old.conn.run(CREATE_SESSION_ROLLUP_SQL);
      const from = dayRow.first_time + HOUR;
      const time = { kind: 'absolute' as const, fromUs: from, toUs: dayRow.last_time + HOUR };
      const q = summaryTimeseries(view({ time }), NOW, null);
      const buckets = mapTimeBuckets(await old.run(q));
      expect(buckets).toHaveLength(1);
      expect(buckets[0]?.bucketUs).toBe(from - (from % q.bucketUs));
      expect(buckets[0]?.llmCalls).toBe(dayRow.llm_calls);
    } finally {
      old.close();
    }
  });

  it('gives NULL tokens for a bucket no call reported them in, and counts the calls a partial sum leaves out', async () => {
    // sess-no-usage: two calls (43 h, 44 h) reporting nothing; sess-some-usage: one of two (45 h, 46 h).
    const v = view({ search: 'usage', time: { kind: 'absolute', fromUs: T0, toUs: T0 + 200 * HOUR } });
    const calls = data.spans.filter((s) => s.is_llm_call && (s.session_id ?? '').includes('usage'));
    for (const [q, exact] of [
      [timeseries(v, NOW), true],
      [summaryTimeseries(v, NOW, null), false],
    ] as const) {
      expect(q.bucketUs).toBe(3 * HOUR);
      const buckets = mapTimeBuckets(await ds.run(q));
      const expected = [...Map.groupBy(calls, (c) => c.start_time - (c.start_time % q.bucketUs))].map(
        ([bucketUs, cs]) => {
          const sum = (f: (c: (typeof cs)[number]) => number | null) =>
            cs.some((c) => f(c) !== null) ? cs.reduce((a, c) => a + (f(c) ?? 0), 0) : null;
          return {
            bucketUs,
            llmCalls: cs.length,
            inputTokens: sum((c) => c.input_tokens),
            outputTokens: sum((c) => c.output_tokens),
            cachedInputTokens: sum((c) => c.cached_input_tokens),
            unreportedInputCalls: cs.filter((c) => c.input_tokens === null).length,
            unreportedOutputCalls: cs.filter((c) => c.output_tokens === null).length,
            unreportedExact: exact,
          };
        },
      );
      // Both cases are there: a bucket no call reported tokens in, and one where one of two did.
      expect(expected.map((b) => [b.inputTokens === null, b.unreportedInputCalls])).toEqual(
        expect.arrayContaining([
          [true, 2],
          [false, 1],
        ]),
      );
      expect(buckets.map(({ totalCostUsd: _c, unpricedCalls: _u, ...b }) => b)).toEqual(expected);
    }
  });

  it('leaves ranges whose buckets are five minutes or less (up to ~10 h) to the span rows', () => {
    const rel = (range: '15m' | '1h' | '24h' | '7d' | 'all') => view({ time: { kind: 'relative', range } });
    expect(chartReadsSpans(rel('15m'), NOW, null)).toBe(true);
    expect(chartReadsSpans(rel('1h'), NOW, null)).toBe(true);
    expect(
      chartReadsSpans(view({ time: { kind: 'absolute', fromUs: NOW - 10 * HOUR, toUs: NOW } }), NOW, null),
    ).toBe(true);
    expect(
      chartReadsSpans(view({ time: { kind: 'absolute', fromUs: NOW - 11 * HOUR, toUs: NOW } }), NOW, null),
    ).toBe(false);
    expect(chartReadsSpans(rel('24h'), NOW, null)).toBe(false);
    expect(chartReadsSpans(rel('7d'), NOW, null)).toBe(false);
    // All time follows the data's extent: a few hours of data read their spans.
    expect(chartReadsSpans(rel('all'), NOW, { minUs: NOW - 3 * HOUR, maxUs: NOW })).toBe(true);
    expect(chartReadsSpans(rel('all'), NOW, { minUs: T0, maxUs: NOW })).toBe(false);
  });

  it('buckets by the day without a range or extent, and selects sessions by search', async () => {
    const q = summaryTimeseries(view({ search: 'sess-alpha' }), NOW, null);
    expect(q.bucketUs).toBe(24 * HOUR);
    const buckets = mapTimeBuckets(await ds.run(q));
    const keys = effectiveKey(data.spans);
    const calls = data.spans.filter((s) => s.is_llm_call && keys.get(s)?.includes('sess-alpha'));
    expect(calls.length).toBeGreaterThan(0);
    expect(buckets.reduce((a, b) => a + b.llmCalls, 0)).toBe(calls.length);
  });
});
