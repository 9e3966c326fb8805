/**
 * The builders in the browser's engine: every query runs in DuckDB-WASM 1.32 (DuckDB 1.4.3, no
 * json or parquet extension) and, mapped, gives the same results as native DuckDB over Parquet.
 * WASM reads the prebuilt session rollup table, as the viewer does; native aggregates inline.
 * This also exercises the row mappers on Arrow rows (BIGINT as bigint, lists as Arrow vectors).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  mapCalls,
  mapMessages,
  mapModelCounts,
  mapSessionTotals,
  mapSessionsPage,
  mapTimeBuckets,
} from '../../src/sql/rows.ts';
import { sessionCalls, sessionMessages, sessionTotals } from '../../src/sql/session.ts';
import { CREATE_SESSION_ROLLUP_SQL } from '../../src/sql/filters.ts';
import { modelCounts, sessionsAll, sessionsPage } from '../../src/sql/sessions.ts';
import { timeseries } from '../../src/sql/timeseries.ts';
import { MONTH_US, WEEK_US, intlOffset, zoneOffsets } from '../../src/sql/zone.ts';
import { defaultViewState } from '../../src/url-state.ts';
import type { ViewState } from '../../src/view.ts';
import { type Dataset, openDataset } from './duck.ts';
import { type Built, HOUR, MODELS, NOW, SPECIAL_IDS, T0, buildPageData, fileGroups } from './fixture.ts';
import { type WasmDb, openWasm } from './wasm.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let data: Built;
let native: Dataset;
let wasm: WasmDb;

beforeAll(async () => {
  data = buildPageData();
  native = await openDataset(fileGroups(data));
  wasm = await openWasm({ spans: data.spans, messages: data.messages, sessions: data.summaries });
  wasm.exec(CREATE_SESSION_ROLLUP_SQL);
});
afterAll(() => {
  native?.close();
  wasm?.close();
});

const view = (patch: Partial<ViewState>): ViewState => ({
  ...defaultViewState(),
  time: { kind: 'relative', range: 'all' },
  ...patch,
});

const VIEWS: ViewState[] = [
  view({}),
  view({ page: 3, pageSize: 25, sort: { key: 'total_cost_usd', dir: 'asc' } }),
  view({ sort: { key: 'duration', dir: 'desc' }, models: [MODELS[1], MODELS[3]] }),
  view({ search: SPECIAL_IDS[0] }),
  view({ search: "'; DROP TABLE spans; --" }),
  view({ search: 'FILLER-1', time: { kind: 'relative', range: '24h' } }),
  view({
    time: { kind: 'absolute', fromUs: T0 + 10 * HOUR, toUs: T0 + 30 * HOUR },
    sort: { key: 'session_id', dir: 'asc' },
  }),
];

describe('DuckDB-WASM 1.32 gives the same results as native DuckDB', () => {
  it('for the sessions page', async () => {
    for (const v of VIEWS) {
      const a = mapSessionsPage(wasm.run(sessionsPage(v, NOW, { rollup: true })));
      const b = mapSessionsPage(await native.run(sessionsPage(v, NOW)));
      expect(a.total).toBe(b.total);
      expect(a.rows.map((r) => ({ ...r, totalCostUsd: r.totalCostUsd?.toFixed(12) }))).toEqual(
        b.rows.map((r) => ({ ...r, totalCostUsd: r.totalCostUsd?.toFixed(12) })),
      );
    }
    expect(
      mapSessionsPage(wasm.run(sessionsPage(VIEWS[0] as ViewState, NOW, { rollup: true }))).rows[0]?.models
        .length,
    ).toBeGreaterThan(0);
    for (const v of VIEWS.slice(0, 3)) {
      const a = mapSessionsPage(wasm.run(sessionsAll(v, NOW, { rollup: true })));
      const b = mapSessionsPage(wasm.run(sessionsAll(v, NOW)));
      expect(a).toEqual(b);
    }
  });

  it('for the model list and the chart', async () => {
    const strip = (rows: ReturnType<typeof mapTimeBuckets>) =>
      rows.map((r) => ({ ...r, totalCostUsd: r.totalCostUsd?.toFixed(12) }));
    for (const v of VIEWS) {
      expect(mapModelCounts(wasm.run(modelCounts(v, NOW, { rollup: true })))).toEqual(
        mapModelCounts(await native.run(modelCounts(v, NOW))),
      );
      const q = timeseries(v, NOW, { minUs: T0, maxUs: NOW });
      const qr = timeseries(v, NOW, { minUs: T0, maxUs: NOW }, { rollup: true });
      expect(strip(mapTimeBuckets(wasm.run(qr)))).toEqual(strip(mapTimeBuckets(await native.run(q))));
    }
    // Weeks from Monday and calendar months of a zone with DST, as the viewer asks for them.
    const zone = zoneOffsets(intlOffset('America/Los_Angeles'), NOW - 1000 * 24 * HOUR, NOW);
    for (const [days, bucketUs] of [
      [200, WEEK_US],
      [1000, MONTH_US],
    ] as const) {
      const v = view({ time: { kind: 'absolute', fromUs: NOW - days * 24 * HOUR, toUs: NOW } });
      const q = timeseries(v, NOW, null, { zone });
      expect(q.bucketUs).toBe(bucketUs);
      const buckets = strip(mapTimeBuckets(await native.run(q)));
      expect(buckets.length).toBeGreaterThan(0);
      expect(strip(mapTimeBuckets(wasm.run(timeseries(v, NOW, null, { zone, rollup: true }))))).toEqual(
        buckets,
      );
    }
  });

  it("for one session's calls, messages and totals", async () => {
    const keys = ['sess-alpha', ...SPECIAL_IDS, `trace:${'c0ffee1'.padStart(32, '0')}`, 'filler-007', 'nope'];
    for (const key of keys) {
      expect(mapCalls(wasm.run(sessionCalls(key)))).toEqual(mapCalls(await native.run(sessionCalls(key))));
      expect(mapMessages(wasm.run(sessionMessages(key)))).toEqual(
        mapMessages(await native.run(sessionMessages(key))),
      );
      expect(mapSessionTotals(wasm.run(sessionTotals(key)))).toEqual(
        mapSessionTotals(await native.run(sessionTotals(key))),
      );
    }
    expect(mapCalls(wasm.run(sessionCalls('sess-alpha')))).toHaveLength(2);
    expect(mapMessages(wasm.run(sessionMessages('sess-alpha')))).toHaveLength(2);
  });
});
