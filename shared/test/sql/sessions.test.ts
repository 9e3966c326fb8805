import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { inlineParams, quoteLiteral, sqlForCli } from '../../src/sql/cli.ts';
import { mapModelCounts, mapSessionsPage, mapTimeBuckets } from '../../src/sql/rows.ts';
import { modelCounts, sessionsAll, sessionsPage } from '../../src/sql/sessions.ts';
import { timeseries } from '../../src/sql/timeseries.ts';
import { MAX_ID_CHARS } from '../../src/schema.ts';
import { SORT_KEYS, defaultViewState } from '../../src/url-state.ts';
import type { SessionListRow, ViewState } from '../../src/view.ts';
import { type Dataset, type Row, openDataset } from './duck.ts';
import {
  type Built,
  HOUR,
  MIN,
  MODELS,
  NOW,
  SPECIAL_IDS,
  T0,
  buildPageData,
  effectiveKey,
  fileGroups,
} from './fixture.ts';
import { bytewise, refSessions } from './reference.ts';

// Real DuckDB over Parquet on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let ds: Dataset;
let data: Built;

beforeAll(async () => {
  data = buildPageData();
  ds = await openDataset(fileGroups(data));
});
afterAll(() => ds?.close());

const view = (patch: Partial<ViewState>): ViewState => ({
  ...defaultViewState(),
  time: { kind: 'relative', range: 'all' },
  ...patch,
});

async function page(v: ViewState) {
  return mapSessionsPage(await ds.run(sessionsPage(v, NOW)));
}

/** All pages of a view, concatenated. */
async function allPages(v: ViewState): Promise<{ rows: SessionListRow[]; totals: number[] }> {
  const rows: SessionListRow[] = [];
  const totals: number[] = [];
  for (let p = 1; ; p++) {
    const res = await page({ ...v, page: p });
    totals.push(res.total);
    if (res.rows.length === 0) break;
    expect(res.rows.length).toBeLessThanOrEqual(v.pageSize);
    rows.push(...res.rows);
  }
  return { rows, totals };
}

function expectSameRows(actual: SessionListRow[], expected: SessionListRow[]) {
  expect(actual.map((r) => r.key)).toEqual(expected.map((r) => r.key));
  actual.forEach((a, i) => {
    const e = expected[i] as SessionListRow;
    expect({ ...a, totalCostUsd: null }).toEqual({ ...e, totalCostUsd: null });
    if (e.totalCostUsd === null) expect(a.totalCostUsd).toBeNull();
    else expect(a.totalCostUsd).toBeCloseTo(e.totalCostUsd, 12);
  });
}

describe('sessionsPage: sorting and paging', () => {
  for (const key of SORT_KEYS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`pages through every session sorted by ${key} ${dir}`, async () => {
        const v = view({ sort: { key, dir }, pageSize: 25 });
        const expected = refSessions(data.summaries, v, NOW);
        const { rows, totals } = await allPages(v);
        expectSameRows(rows, expected);
        expect(new Set(totals)).toEqual(new Set([expected.length]));
        expect(totals.length).toBe(Math.ceil(expected.length / 25) + 1);
      });
    }
  }

  it('lists every session at once for exports, in the same order', async () => {
    for (const v of [view({ sort: { key: 'errors', dir: 'desc' } }), view({ search: 'nothing-like-this' })]) {
      const all = mapSessionsPage(await ds.run(sessionsAll(v, NOW)));
      const expected = refSessions(data.summaries, v, NOW);
      expectSameRows(all.rows, expected);
      expect(all.total).toBe(expected.length);
    }
  });

  it('states the total on a page past the end, with no rows', async () => {
    const res = await page(view({ page: 1000, pageSize: 200 }));
    expect(res.rows).toEqual([]);
    expect(res.total).toBe(refSessions(data.summaries, view({}), NOW).length);
  });

  it('gives exactly the page-sized slices for each page size', async () => {
    const expected = refSessions(data.summaries, view({}), NOW);
    for (const pageSize of [25, 50, 100, 200] as const) {
      const p2 = await page(view({ page: 2, pageSize }));
      expect(p2.rows.map((r) => r.key)).toEqual(expected.slice(pageSize, 2 * pageSize).map((r) => r.key));
    }
  });

  it('re-aggregates a session spread over several summary rows, inheriting the session of a trace', async () => {
    expect(data.summaries.filter((s) => s.session_id === 'sess-alpha')).toHaveLength(2);
    const res = await page(view({ search: 'sess-alpha' }));
    expect(res.total).toBe(1);
    const alpha = res.rows[0] as SessionListRow;
    expect(alpha).toMatchObject({
      key: 'sess-alpha',
      sessionId: 'sess-alpha',
      traceId: null,
      firstUs: T0 + 10 * 60_000_000,
      spans: 3,
      llmCalls: 2,
      models: ['claude-sonnet-4', 'gpt-4o'],
      inputTokens: 200,
      errors: 1,
    });
    expect(alpha.durationMs).toBe((alpha.lastUs - alpha.firstUs) / 1000);
  });

  it('lists a sessionless trace under its trace key, and unpriced sessions with a NULL cost', async () => {
    const trace = await page(view({ search: 'trace:' }));
    expect(trace.rows.map((r) => [r.key, r.sessionId, r.traceId])).toEqual([
      [`trace:${'c0ffee1'.padStart(32, '0')}`, null, '0'.repeat(25) + 'c0ffee1'],
    ]);
    expect(trace.rows[0]?.totalCostUsd).toBeNull();
    const unpriced = await page(view({ search: 'sess-unpriced' }));
    expect(unpriced.rows[0]).toMatchObject({ totalCostUsd: null, unpricedCalls: 1 });
    const partial = await page(view({ search: 'sess-partial' }));
    expect(partial.rows[0]).toMatchObject({ unpricedCalls: 1, totalCostUsd: 0.003 });
  });

  it('gives NULL tokens where no call reported them, the reported sum where some did, and sorts NULL last', async () => {
    const none = await page(view({ search: 'sess-no-usage' }));
    expect(none.rows[0]).toMatchObject({
      llmCalls: 2,
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: null,
    });
    const some = await page(view({ search: 'sess-some-usage' }));
    // The reporting call's figures (fixture defaults: 100 in, 20 out, 0 cached): a reported 0 stays 0.
    expect(some.rows[0]).toMatchObject({
      llmCalls: 2,
      inputTokens: 100,
      outputTokens: 20,
      cachedInputTokens: 0,
    });
    for (const key of ['input_tokens', 'output_tokens', 'cached_input_tokens'] as const)
      for (const dir of ['asc', 'desc'] as const) {
        const { rows } = mapSessionsPage(await ds.run(sessionsAll(view({ sort: { key, dir } }), NOW)));
        expect(rows.at(-1)?.key, `${key} ${dir}`).toBe('sess-no-usage');
      }
  });
});

describe('sessionsPage: search text', () => {
  it('finds each id with SQL or LIKE metacharacters, quotes, backslashes and unicode, exactly', async () => {
    for (const id of SPECIAL_IDS) {
      const res = await page(view({ search: id }));
      expect(res.rows.map((r) => r.key)).toEqual([id]);
    }
  });

  it('is case-insensitive, unicode included, and trims the text', async () => {
    expect((await page(view({ search: 'sess-upper' }))).rows.map((r) => r.key)).toEqual(['SESS-Upper']);
    expect((await page(view({ search: '  ÜNÏCÖDÉ ' }))).rows.map((r) => r.key)).toEqual(['sess-ünïcödé-🦜']);
  });

  it('finds an id cut at MAX_ID_CHARS when searched with the whole, longer id', async () => {
    const stored = SPECIAL_IDS.find((id) => id.length === MAX_ID_CHARS) as string;
    for (const search of [`${stored}-and-what-the-normalizer-cut`, ` ${stored.toUpperCase()}y `]) {
      expect((await page(view({ search }))).rows.map((r) => r.key)).toEqual([stored]);
    }
    // Within the stored length the text is still a substring to find, not a prefix.
    expect((await page(view({ search: `${stored.slice(1)}z` }))).total).toBe(0);
  });

  it('treats % and _ literally', async () => {
    expect((await page(view({ search: '%' }))).rows.map((r) => r.key)).toEqual(['sess-100%_done']);
    expect((await page(view({ search: '0%_d' }))).rows.map((r) => r.key)).toEqual(['sess-100%_done']);
    expect((await page(view({ search: 'x_y%' }))).total).toBe(0);
  });

  it('returns a clean empty result for hostile text', async () => {
    for (const search of ["' OR 1=1 --", '"; DROP TABLE spans; --', "''", '?', '$1', '\u0000', '%%%%']) {
      const res = await page(view({ search }));
      expect(res).toEqual({ rows: [], total: 0 });
    }
    expect((await page(view({}))).total).toBeGreaterThan(150);
  });

  it('matches the reference for arbitrary text', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom(...SPECIAL_IDS.map((s) => s.slice(2, 7)), 'FILLER-01', 'ler-1', "'", '"', ';'),
    );
    await fc.assert(
      fc.asyncProperty(text, async (search) => {
        const v = view({ search, pageSize: 200 });
        const res = await page(v);
        const expected = refSessions(data.summaries, v, NOW);
        expect(res.total).toBe(expected.length);
        expect(res.rows.map((r) => r.key)).toEqual(expected.slice(0, 200).map((r) => r.key));
      }),
      { numRuns: 40, seed: 7 },
    );
  }, 60_000);
});

describe('sessionsPage: models and time', () => {
  it('keeps sessions that used any of the chosen models', async () => {
    const cases: string[][] = [
      [MODELS[0]],
      [MODELS[1], MODELS[2]],
      [MODELS[3]],
      ['mystery-model'],
      ['no-such-model'],
      [...MODELS],
    ];
    for (const models of cases) {
      const v = view({ models, pageSize: 200 });
      const expected = refSessions(data.summaries, v, NOW);
      const { rows } = await allPages(v);
      expectSameRows(rows, expected);
      for (const r of rows) expect(r.models.some((m) => models.includes(m))).toBe(true);
    }
    expect((await page(view({ models: ['no-such-model'] }))).total).toBe(0);
    expect((await page(view({ models: [MODELS[3]] }))).rows.map((r) => r.key)).toEqual(['sess-ünïcödé-🦜']);
  });

  it('applies relative ranges from now, by overlap with the span of activity of the session', async () => {
    for (const range of ['15m', '1h', '24h', '7d', '30d', 'all'] as const) {
      const v = view({ time: { kind: 'relative', range }, pageSize: 200 });
      const expected = refSessions(data.summaries, v, NOW);
      const { rows } = await allPages(v);
      expectSameRows(rows, expected);
    }
    const day = refSessions(data.summaries, view({ time: { kind: 'relative', range: '24h' } }), NOW).length;
    const all = refSessions(data.summaries, view({}), NOW).length;
    expect(day).toBeGreaterThan(0);
    expect(day).toBeLessThan(all);
  });

  it('applies absolute ranges with inclusive bounds', async () => {
    const alphaRows = data.summaries.filter((s) => s.session_id === 'sess-alpha');
    const lastOfFirstSlice = Math.min(...alphaRows.map((s) => s.last_time));
    const firstUs = Math.min(...alphaRows.map((s) => s.first_time));
    const ranges = [
      { fromUs: T0, toUs: T0 + HOUR },
      { fromUs: T0 + 20 * HOUR, toUs: T0 + 30 * HOUR },
      { fromUs: lastOfFirstSlice, toUs: lastOfFirstSlice },
      { fromUs: firstUs - 10, toUs: firstUs },
      { fromUs: firstUs - 10, toUs: firstUs - 1 },
      { fromUs: T0 + 1000 * HOUR, toUs: T0 + 2000 * HOUR },
    ];
    for (const r of ranges) {
      const v = view({ time: { kind: 'absolute', ...r }, pageSize: 200 });
      const expected = refSessions(data.summaries, v, NOW);
      const { rows } = await allPages(v);
      expectSameRows(rows, expected);
    }
    // A range inside the gap between two active hours of a session still shows it: it was ongoing.
    const gap = await page(
      view({ time: { kind: 'absolute', fromUs: T0 + 30 * MIN, toUs: T0 + 40 * MIN }, search: 'alpha' }),
    );
    expect(gap.total).toBe(1);
    const touching = await page(
      view({ time: { kind: 'absolute', fromUs: firstUs - 10, toUs: firstUs }, search: 'alpha' }),
    );
    expect(touching.total).toBe(1);
    const before = await page(
      view({ time: { kind: 'absolute', fromUs: firstUs - 10, toUs: firstUs - 1 }, search: 'alpha' }),
    );
    expect(before.total).toBe(0);
  });

  it('combines every filter', async () => {
    const v = view({
      search: 'FILLER-1',
      models: ['gpt-4o-mini'],
      time: { kind: 'relative', range: '24h' },
      sort: { key: 'total_cost_usd', dir: 'asc' },
      pageSize: 25,
    });
    const expected = refSessions(data.summaries, v, NOW);
    expect(expected.length).toBeGreaterThan(0);
    const { rows, totals } = await allPages(v);
    expectSameRows(rows, expected);
    expect(totals[0]).toBe(expected.length);
  });
});

describe('modelCounts', () => {
  it('counts sessions per model under the other filters, ignoring the model filter', async () => {
    for (const v of [
      view({}),
      view({ models: ['gpt-4o'] }),
      view({ search: 'filler-0', models: ['no-such-model'] }),
      view({ time: { kind: 'relative', range: '24h' } }),
      view({ search: "o'brien" }),
    ]) {
      const counts = mapModelCounts(await ds.run(modelCounts(v, NOW)));
      const sessions = refSessions(data.summaries, v, NOW, true);
      const expected = new Map<string, number>();
      for (const s of sessions) for (const m of s.models) expected.set(m, (expected.get(m) ?? 0) + 1);
      const sorted = [...expected]
        .sort((a, b) => b[1] - a[1] || bytewise(a[0], b[0]))
        .map(([model, n]) => ({ model, sessions: n }));
      expect(counts).toEqual(sorted);
    }
  });

  it('lists a model name with quotes and commas as one model', async () => {
    const counts = mapModelCounts(await ds.run(modelCounts(view({}), NOW)));
    expect(counts.map((c) => c.model)).toContain(MODELS[3]);
  });
});

describe('timeseries', () => {
  const sumCalls = (calls: Built['spans']) => ({
    llmCalls: calls.length,
    inputTokens: calls.reduce((a, c) => a + (c.input_tokens ?? 0), 0),
    outputTokens: calls.reduce((a, c) => a + (c.output_tokens ?? 0), 0),
    cachedInputTokens: calls.reduce((a, c) => a + (c.cached_input_tokens ?? 0), 0),
  });

  it('buckets every LLM call of the range once, aligned on the bucket width', async () => {
    for (const range of ['1h', '24h', '7d', 'all'] as const) {
      const v = view({ time: { kind: 'relative', range } });
      const q = timeseries(v, NOW, { minUs: T0, maxUs: NOW });
      const buckets = mapTimeBuckets(await ds.run(q));
      const from =
        range === 'all' ? -Infinity : NOW - { '1h': HOUR, '24h': 24 * HOUR, '7d': 168 * HOUR }[range];
      const calls = data.spans.filter((s) => s.is_llm_call && s.start_time >= from);
      const {
        totalCostUsd: _c,
        bucketUs: _b,
        ...totals
      } = buckets.reduce(
        (a, b) => ({
          ...a,
          llmCalls: a.llmCalls + b.llmCalls,
          inputTokens: a.inputTokens + (b.inputTokens ?? 0),
          outputTokens: a.outputTokens + (b.outputTokens ?? 0),
          cachedInputTokens: a.cachedInputTokens + (b.cachedInputTokens ?? 0),
        }),
        {
          bucketUs: 0,
          llmCalls: 0,
          inputTokens: 0,
          outputTokens: 0,
          cachedInputTokens: 0,
          totalCostUsd: null,
        },
      );
      expect(totals).toEqual(sumCalls(calls));
      expect(buckets.length).toBeLessThanOrEqual(120);
      for (const b of buckets) expect(b.bucketUs % q.bucketUs).toBe(0);
      expect(buckets.map((b) => b.bucketUs)).toEqual(
        [...buckets.map((b) => b.bucketUs)].sort((a, b) => a - b),
      );
    }
  });

  it('selects sessions by search and models like the sessions page, inheriting sessions from traces', async () => {
    const keys = effectiveKey(data.spans);
    for (const v of [
      view({ search: 'ALPHA' }),
      view({ models: ['claude-sonnet-4'] }),
      view({ search: 'filler-00', models: ['gpt-4o'] }),
      view({ search: 'trace:' }),
    ]) {
      const buckets = mapTimeBuckets(await ds.run(timeseries(v, NOW)));
      const sessions = new Set(
        [...keys]
          .filter(([s, k]) => s.is_llm_call && k.toLowerCase().includes(v.search.toLowerCase()))
          .filter(
            ([, k]) =>
              v.models.length === 0 ||
              data.spans.some((s) => s.is_llm_call && keys.get(s) === k && v.models.includes(s.model ?? '')),
          )
          .map(([, k]) => k),
      );
      const calls = data.spans.filter((s) => s.is_llm_call && sessions.has(keys.get(s) as string));
      expect(calls.length).toBeGreaterThan(0);
      expect(buckets.reduce((a, b) => a + b.llmCalls, 0)).toBe(calls.length);
      expect(buckets.reduce((a, b) => a + (b.inputTokens ?? 0), 0)).toBe(sumCalls(calls).inputTokens);
    }
    const alpha = mapTimeBuckets(await ds.run(timeseries(view({ search: 'sess-alpha' }), NOW)));
    expect(alpha.reduce((a, b) => a + b.llmCalls, 0)).toBe(2);
    // As the sessions page: the whole of an id the normalizer cut finds the session.
    const stored = SPECIAL_IDS.find((id) => id.length === MAX_ID_CHARS) as string;
    const long = mapTimeBuckets(await ds.run(timeseries(view({ search: `${stored}-cut` }), NOW)));
    expect(long.reduce((a, b) => a + b.llmCalls, 0)).toBe(1);
  });

  it('reports a NULL cost for buckets with no priced call', async () => {
    const buckets = mapTimeBuckets(await ds.run(timeseries(view({ search: 'sess-unpriced' }), NOW)));
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.totalCostUsd).toBeNull();
  });
});

describe('sqlForCli', () => {
  async function runScript(script: string): Promise<Row[][]> {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const results: Row[][] = [];
      for (const stmt of script.split(/;\n/)) {
        const body = stmt.replace(/^--.*$/gm, '').trim();
        if (body === '') continue;
        const reader = await conn.runAndReadAll(body);
        if (/^(SELECT|WITH)\b/.test(body)) results.push(reader.getRowObjectsJS() as Row[]);
      }
      return results;
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  }

  it('renders a script that reproduces the view, hostile text included', async () => {
    const views = [
      view({ search: "sess-O'Brien", models: [...MODELS], sort: { key: 'total_cost_usd', dir: 'asc' } }),
      view({
        search: "'; DROP VIEW spans; --\n.shell echo pwned\u0000",
        time: { kind: 'relative', range: '24h' },
      }),
      view({
        page: 2,
        pageSize: 25,
        time: { kind: 'absolute', fromUs: T0, toUs: T0 + 48 * HOUR },
        session: 'sess-alpha',
      }),
    ];
    for (const v of views) {
      const files = ds.files.map((f) => ({ ...f, rows: 0, bytes: 0, min_time: '', max_time: '' }));
      const script = sqlForCli(v, NOW, ds.dir, [
        ...files,
        { table: 'spans', path: '../../etc/passwd.parquet', rows: 0, bytes: 0, min_time: '', max_time: '' },
      ]);
      expect(script).not.toContain('etc/passwd');
      expect(script).not.toContain('?');
      const results = await runScript(script);
      const [pageRows, modelRows, callRows, messageRows] = results;
      expect(mapSessionsPage(pageRows ?? [])).toEqual(await page(v));
      expect(mapModelCounts(modelRows ?? [])).toEqual(mapModelCounts(await ds.run(modelCounts(v, NOW))));
      if (v.session) {
        expect(callRows?.length).toBe(2);
        expect(messageRows?.map((m) => m['role'])).toEqual(['user', 'assistant']);
      }
    }
  });

  it("puts the snapshot URL's query on each file, quoted, as the viewer fetches them", () => {
    const file = (path: string) => ({
      table: 'spans' as const,
      path,
      rows: 0,
      bytes: 0,
      min_time: '',
      max_time: '',
    });
    const files = [file('spans/date=2026-11-01/hour=00/a.parquet')];
    const script = sqlForCli(view({}), NOW, 'https://host.example/snap/', files, "?sig=a'b&se=1");
    expect(script).toContain(
      "'https://host.example/snap/spans/date=2026-11-01/hour=00/a.parquet?sig=a''b&se=1'",
    );
    expect(sqlForCli(view({}), NOW, 'https://host.example/snap/', files, 'sig=x')).not.toContain('sig=x');
  });

  it('globs the snapshot directories when no manifest is given', async () => {
    const script = sqlForCli(view({}), NOW, ds.dir);
    expect(script).toContain(`'${ds.dir}/spans/**/*.parquet'`);
    const results = await runScript(script);
    expect(mapSessionsPage(results[0] ?? []).total).toBe((await page(view({}))).total);
  });

  it('quotes literals so they cannot escape', () => {
    expect(quoteLiteral("a'b")).toBe("'a''b'");
    expect(quoteLiteral('a\\b')).toBe("'a\\b'");
    expect(quoteLiteral('a\nb')).toBe("'a' || chr(10) || 'b'");
    expect(quoteLiteral(12)).toBe('12');
    expect(quoteLiteral(null)).toBe('NULL');
    expect(() => quoteLiteral(Number.NaN)).toThrow();
    expect(inlineParams({ sql: "SELECT ?, '?', ?", params: ['x', 2] })).toBe("SELECT 'x', '?', 2");
    expect(() => inlineParams({ sql: 'SELECT ?', params: [] })).toThrow();
  });
});
