import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CREATE_SESSION_ROLLUP_SQL } from '../../src/sql/filters.ts';
import { mapTimeBuckets } from '../../src/sql/rows.ts';
import { summaryTimeseries } from '../../src/sql/summary-timeseries.ts';
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

const withoutCost = (buckets: TimeBucket[]) => buckets.map((b) => ({ ...b, totalCostUsd: null }));

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
        const cost = fromSpans[i]?.totalCostUsd ?? null;
        if (cost === null) expect(b.totalCostUsd).toBeNull();
        else expect(b.totalCostUsd).toBeCloseTo(cost, 9);
      });
    }
  });

  it('counts the summaries that overlap a range, at their first time or the range start', async () => {
    // Halfway through a row several minutes long, and two hours long (one-minute buckets), so the
    // row began buckets before the range.
    const straddling = data.summaries.find((s) => s.last_time - s.first_time > 10 * 60e6);
    expect(straddling).toBeDefined();
    const from = Math.round(((straddling?.first_time ?? 0) + (straddling?.last_time ?? 0)) / 2);
    const to = from + 2 * HOUR;
    const q = summaryTimeseries(view({ time: { kind: 'absolute', fromUs: from, toUs: to } }), NOW, null);
    expect(q.bucketUs).toBeLessThan(5 * 60e6);
    const buckets = mapTimeBuckets(await ds.run(q));
    const overlapping = data.summaries.filter((s) => s.last_time >= from && s.first_time <= to);
    expect(overlapping.length).toBeGreaterThan(0);
    expect(buckets.reduce((a, b) => a + b.llmCalls, 0)).toBe(
      overlapping.reduce((a, s) => a + s.llm_calls, 0),
    );
    expect(buckets.reduce((a, b) => a + b.inputTokens, 0)).toBe(
      overlapping.reduce((a, s) => a + s.input_tokens, 0),
    );
    // A row that began before the range counts at its start: no bucket before the range.
    expect(overlapping.some((s) => s.first_time < from)).toBe(true);
    const earliest = Math.max(from, Math.min(...overlapping.map((s) => s.first_time)));
    expect(buckets[0]?.bucketUs).toBe(earliest - (earliest % q.bucketUs));
    for (const b of buckets) expect(b.bucketUs % q.bucketUs).toBe(0);
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
