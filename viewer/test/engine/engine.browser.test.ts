/**
 * The data worker in real Chromium: built by Vite like the app, reading a real DuckDB-written
 * snapshot over real HTTP, checked against native DuckDB over the same files.
 */
import { cp, mkdtemp, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { Manifest } from '@parley/shared/manifest';
import { SCHEMA_VERSION } from '@parley/shared/schema';
import { CREATE_SESSION_ROLLUP_SQL } from '@parley/shared/sql/filters';
import { mapSessionsPage } from '@parley/shared/sql/rows';
import { sessionsPage } from '@parley/shared/sql/sessions';
import { defaultViewState } from '@parley/shared/url-state';
import type { SessionsPage, ViewState } from '@parley/shared/view';
import { launch as launchChromium } from '../browser/chromium.ts';
import { buildHarness } from '../../../scripts/bench-viewer/build-harness.ts';
import { writeSnapshot } from './snapshot-writer.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';

let dir: string;
let app: StaticServer;
let other: StaticServer;
let browser: Browser;
let page: Page;
let manifest: Manifest;

const view: ViewState = { ...defaultViewState(), time: { kind: 'relative', range: 'all' } };

async function native(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowsJS();
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** Runs a function against window.__parleyEngine in the page (by default, the shared one). */
function engine<T>(fn: string, arg?: unknown, on: Page = page): Promise<T> {
  return on.evaluate(
    ([body, a]) => {
      const e = (window as unknown as { __parleyEngine: unknown }).__parleyEngine;
      return (
        new Function('e', 'arg', `return (${body})(e, arg)`) as (e: unknown, a: unknown) => Promise<unknown>
      )(e, a);
    },
    [fn, arg] as const,
  ) as Promise<T>;
}

/** How many times the data worker has passed a step (a performance mark) so far. */
async function marksNamed(name: string, on: Page = page): Promise<number> {
  return (await engine<{ name: string }[]>(`(e) => e.timeline()`, undefined, on)).filter(
    (m) => m.name === name,
  ).length;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-engine-browser-'));
  [, manifest] = await Promise.all([
    buildHarness(join(dir, 'app')),
    writeSnapshot(join(dir, 'snap'), {
      sessions: 1500,
      spansPerSession: 8,
      days: 1,
      endIso: '2026-11-26T00:00:00Z',
      rowGroupSize: 2048,
      detachLastCallEvery: 5,
    }),
  ]);
  await mkdir(join(dir, 'other', 'newer'), { recursive: true });
  await writeFile(
    join(dir, 'other', 'newer', 'manifest.json'),
    JSON.stringify({ schema_version: SCHEMA_VERSION + 1, updated_at: '', files: [] }),
  );
  await writeFile(join(dir, 'other', 'text.parquet'), 'plain text, not Parquet at all........');
  app = await startStaticServer({ '/data/': join(dir, 'snap'), '/': join(dir, 'app') });
  other = await startStaticServer({ '/': join(dir, 'other') });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${app.url}/`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await other?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('engine in Chromium', { timeout: 60_000 }, () => {
  it('opens the collector source and pages sessions like native DuckDB', async () => {
    const opened = await engine<{ ok: boolean; value: { files: number } }>(
      `(e) => e.open({ kind: 'collector' })`,
    );
    expect(opened.ok).toBe(true);
    const r = await engine<{
      ok: true;
      value: { total: number; rows: { key: string; inputTokens: number }[] };
    }>(`(e, v) => e.sessionsPage(v, 1)`, { ...view, sort: { key: 'input_tokens', dir: 'desc' } });
    const expected = await native(`SELECT count(DISTINCT coalesce(session_id, 'trace:' || trace_id))::INT,
        max(t)::INT FROM (SELECT session_id, trace_id, sum(input_tokens) OVER (PARTITION BY coalesce(session_id, 'trace:' || trace_id)) AS t
        FROM read_parquet('${join(dir, 'snap')}/sessions/**/*.parquet', hive_partitioning = false))`);
    expect(r.ok).toBe(true);
    expect(r.value.total).toBe(expected[0]?.[0]);
    expect(r.value.rows).toHaveLength(50);
    expect(r.value.rows[0]?.inputTokens).toBe(expected[0]?.[1]);
    // Only the manifest and the session summaries were fetched, not the spans and messages.
    const fetched = await engine<number>(`(e) => e.bytesFetched()`);
    const sessionBytes = manifest.files
      .filter((f) => f.table === 'sessions')
      .reduce((n, f) => n + f.bytes, 0);
    expect(fetched).toBe(app.bytesSent.get('/data/'));
    expect(fetched).toBeLessThan(sessionBytes + 200_000);
    expect(fetched).toBeGreaterThanOrEqual(sessionBytes);
  });

  /** The shared SQL's pages over the same summaries in native DuckDB (one thread: sums in file order). */
  async function nativePages(views: ViewState[]): Promise<SessionsPage[]> {
    const db = await DuckDBInstance.create(':memory:', { threads: '1' });
    const con = await db.connect();
    try {
      const files = manifest.files
        .filter((f) => f.table === 'sessions')
        .map((f) => `'${join(dir, 'snap', f.path)}'`);
      await con.run(
        `CREATE TABLE sessions AS FROM read_parquet([${files.join(', ')}], hive_partitioning = false)`,
      );
      await con.run(CREATE_SESSION_ROLLUP_SQL);
      const out: SessionsPage[] = [];
      for (const v of views) {
        const q = sessionsPage(v, Date.now() * 1000, { rollup: true });
        out.push(
          mapSessionsPage((await con.runAndReadAll(q.sql, q.params as DuckDBValue[])).getRowObjectsJS()),
        );
      }
      return out;
    } finally {
      con.closeSync();
      db.closeSync();
    }
  }

  it('pages like the SQL in native DuckDB, from the JavaScript index before DuckDB is up and after', async () => {
    const views: ViewState[] = [
      view,
      { ...view, sort: { key: 'total_cost_usd', dir: 'asc' } },
      { ...view, search: 'SESS-0', page: 2, pageSize: 25 },
      { ...view, models: ['gpt-4o'], sort: { key: 'duration', dir: 'desc' } },
      { ...view, sort: { key: 'session_id', dir: 'asc' }, page: 3 },
    ];
    const fastPages = (): Promise<number> => marksNamed('engine:fast-page');
    const pages = (first: number) =>
      engine<Array<{ ok: boolean; value: unknown }>>(
        `async (e, a) => { const out = []; let id = a.first; for (const v of a.views) out.push(await e.sessionsPage(v, ++id)); return out; }`,
        { views, first },
      );
    const before = await fastPages();
    const early = await pages(100);
    expect(await fastPages()).toBe(before + views.length);
    // The model list needs DuckDB: it starts and loads the summaries.
    expect((await engine<{ ok: boolean }>(`(e, v) => e.models(v, 200)`, view)).ok).toBe(true);
    // Then the index over the same files warms up and answers again.
    await expect.poll(() => marksNamed('engine:index-warm')).toBe(1);
    const late = await pages(300);
    expect(await fastPages()).toBe(before + 2 * views.length);
    expect(early.every((r) => r.ok)).toBe(true);
    const expected = await nativePages(views);
    expect(early.map((r) => r.value)).toEqual(expected);
    expect(late.map((r) => r.value)).toEqual(expected);
  });

  it('reads a snapshot of schema version 1, whose summaries have no session_key, with the same pages', async () => {
    // The same snapshot as version 1 wrote it: summaries without the column, the manifest's version.
    const v1 = join(dir, 'other', 'v1');
    await cp(join(dir, 'snap'), v1, { recursive: true });
    const files = manifest.files.map((f) => ({ ...f }));
    const db = await DuckDBInstance.create(':memory:', { threads: '1' });
    const con = await db.connect();
    try {
      for (const f of files.filter((file) => file.table === 'sessions')) {
        const path = join(v1, f.path);
        await con.run(
          `COPY (SELECT * EXCLUDE (session_key) FROM read_parquet('${path}')) TO '${path}.v1' (FORMAT parquet, COMPRESSION snappy)`,
        );
        await rename(`${path}.v1`, path);
        f.bytes = (await stat(path)).size;
      }
    } finally {
      con.closeSync();
      db.closeSync();
    }
    await writeFile(join(v1, 'manifest.json'), JSON.stringify({ ...manifest, schema_version: 1, files }));
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`${app.url}/`);
      await fresh.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const opened = await engine<{ ok: boolean }>(
        `(e, url) => e.open({ kind: 'url', url })`,
        `${other.url}/v1/manifest.json`,
        fresh,
      );
      expect(opened.ok).toBe(true);
      const views: ViewState[] = [view, { ...view, sort: { key: 'input_tokens', dir: 'desc' }, page: 2 }];
      const results = [];
      for (const [i, v] of views.entries())
        results.push(
          await engine<{ ok: boolean; value: unknown }>(
            `(e, a) => e.sessionsPage(a.v, a.id)`,
            { v, id: 20 + i },
            fresh,
          ),
        );
      expect(results.map((r) => r.value)).toEqual(await nativePages(views));
    } finally {
      await fresh.close();
    }
  });

  it('loads every summary file for a narrow range, so its sessions have their whole totals, and one index serves every range', async () => {
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`${app.url}/`);
      await fresh.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const files = manifest.files.filter((f) => f.table === 'sessions');
      expect(files.length).toBeGreaterThan(1);
      const lastUs = Math.max(...files.map((f) => Date.parse(f.max_time) * 1000));
      // The last six hours: loaded alone, its sessions would sum only the days loaded so far.
      const narrow: ViewState = {
        ...view,
        time: { kind: 'absolute', fromUs: lastUs - 6 * 3600e6, toUs: lastUs },
      };
      const views = [narrow, view, { ...view, sort: { key: 'llm_calls', dir: 'desc' } } as ViewState];
      const run = (v: ViewState, id: number) =>
        engine<{ ok: boolean; value: unknown }>(`(e, a) => e.sessionsPage(a.v, a.id)`, { v, id }, fresh);
      expect(
        (await engine<{ ok: boolean }>(`(e) => e.open({ kind: 'collector' })`, undefined, fresh)).ok,
      ).toBe(true);
      expect((await engine<{ ok: boolean }>(`(e, v) => e.models(v, 1)`, narrow, fresh)).ok).toBe(true);
      await expect.poll(() => marksNamed('engine:index-warm', fresh)).toBe(1);
      expect((await engine<{ ok: boolean }>(`(e, v) => e.models(v, 2)`, view, fresh)).ok).toBe(true);
      const before = await marksNamed('engine:fast-page', fresh);
      const results = [];
      for (const [i, v] of views.entries()) results.push(await run(v, 10 + i));
      expect(await marksNamed('engine:fast-page', fresh)).toBe(before + views.length);
      expect(await marksNamed('engine:index-warm', fresh)).toBe(1);
      expect(results.map((r) => r.value)).toEqual(await nativePages(views));
    } finally {
      await fresh.close();
    }
  });

  it('charts the LLM calls of the filtered sessions from the summaries', async () => {
    const r = await engine<{
      ok: true;
      value: {
        bucketUs: number;
        startUs: number;
        endUs: number;
        buckets: { bucketUs: number; llmCalls: number; inputTokens: number }[];
      };
    }>(`(e, v) => e.timeseries(v, 3)`, { ...view, models: ['gpt-4o'] });
    const [row] =
      await native(`SELECT count(*)::INT, sum(input_tokens)::INT FROM read_parquet('${join(dir, 'snap')}/spans/**/*.parquet', hive_partitioning = false)
      WHERE is_llm_call AND trace_id IN (SELECT trace_id FROM read_parquet('${join(dir, 'snap')}/spans/**/*.parquet', hive_partitioning = false) WHERE model = 'gpt-4o')`);
    expect(r.ok).toBe(true);
    const { buckets, bucketUs, startUs, endUs } = r.value;
    expect(buckets.reduce((n, b) => n + b.llmCalls, 0)).toBe(row?.[0]);
    expect(buckets.reduce((n, b) => n + b.inputTokens, 0)).toBe(row?.[1]);
    // The axis holds every bucket, at bucket boundaries.
    expect(startUs % bucketUs).toBe(0);
    expect(endUs % bucketUs).toBe(0);
    for (const b of buckets) {
      expect(b.bucketUs).toBeGreaterThanOrEqual(startUs);
      expect(b.bucketUs + bucketUs).toBeLessThanOrEqual(endUs);
    }
  });

  it('charts a short range from its span rows, each call in its own minute', async () => {
    const spanFiles = manifest.files.filter((f) => f.table === 'spans');
    const lastUs = Math.max(...spanFiles.map((f) => Date.parse(f.max_time) * 1000));
    const fromUs = lastUs - 2 * 3600e6;
    const short: ViewState = { ...view, time: { kind: 'absolute', fromUs, toUs: lastUs } };
    const r = await engine<{
      ok: true;
      value: { bucketUs: number; buckets: { bucketUs: number; llmCalls: number; inputTokens: number }[] };
    }>(`(e, v) => e.timeseries(v, 4)`, short);
    expect(r.ok).toBe(true);
    expect(r.value.bucketUs).toBe(60e6);
    const rows = await native(`SELECT (epoch_us(start_time) // 60000000) * 60000000 AS b, count(*)::INT AS n,
        sum(input_tokens)::INT AS tin
      FROM read_parquet('${join(dir, 'snap')}/spans/**/*.parquet', hive_partitioning = false)
      WHERE is_llm_call AND epoch_us(start_time) BETWEEN ${fromUs} AND ${lastUs} GROUP BY 1 ORDER BY 1`);
    expect(rows.length).toBeGreaterThan(3);
    expect(r.value.buckets.map((b) => [b.bucketUs, b.llmCalls, b.inputTokens])).toEqual(
      rows.map((x) => [Number(x[0]), x[1], x[2]]),
    );
  });

  it('returns a clean empty page for a search full of quotes and SQL metacharacters', async () => {
    const r = await engine<{ ok: true; value: { total: number } }>(`(e, v) => e.sessionsPage(v, 2)`, {
      ...view,
      search: `'; DROP TABLE sessions; -- "%_\\`,
    });
    expect(r).toMatchObject({ ok: true, value: { total: 0, rows: [] } });
  });

  it('drops a superseded request and answers the newest', async () => {
    // Non-ASCII search text goes to DuckDB (the JavaScript index declines it), whose round trips
    // let the newer request arrive while the first one runs; the index answers before that.
    const [a, b] = await engine<[{ ok: boolean; error?: { kind: string } }, { ok: boolean }]>(
      `(e, v) => Promise.all([e.sessionsPage({ ...v, search: 'séss-0' }, 10), e.sessionsPage({ ...v, search: 'séss-1' }, 11)])`,
      view,
    );
    expect(a).toMatchObject({ ok: false, error: { kind: 'cancelled' } });
    expect(b.ok).toBe(true);
  });

  /** LLM calls of sessions, counting id-less spans of their traces (as the viewer inherits them). */
  const sessionCalls = (detached: boolean): Promise<unknown[][]> =>
    native(`WITH sp AS (FROM read_parquet('${join(dir, 'snap')}/spans/**/*.parquet', hive_partitioning = false)),
      owner AS (SELECT DISTINCT trace_id, session_id FROM sp WHERE session_id IS NOT NULL)
      SELECT o.session_id, count(*)::INT, sum(input_tokens)::INT, sum(output_tokens)::INT,
        count(*) FILTER (sp.session_id IS NULL)::INT AS inherited,
        epoch_us(min(start_time))::DOUBLE AS first_us, max(duration_ms) AS longest_ms
      FROM sp JOIN owner o USING (trace_id)
      WHERE is_llm_call GROUP BY o.session_id
      HAVING (inherited > 0) = ${detached} ORDER BY o.session_id LIMIT 1 OFFSET 7`);

  for (const detached of [false, true])
    it(`opens one session with the totals of its LLM calls${detached ? ', one of them stored without the session id' : ''}`, async () => {
      const [row] = await sessionCalls(detached);
      expect(Number(row?.[4]) > 0).toBe(detached);
      const computed = await marksNamed('engine:session-rows');
      const r = await engine<{
        ok: true;
        value: {
          totals: { llmCalls: number; inputTokens: number; outputTokens: number };
          calls: { startUs: number | null; durationMs: number | null }[];
          messages: unknown[];
        };
      }>(`(e, a) => e.session(a.key, a.view, a.id)`, { key: row?.[0], view, id: detached ? 22 : 20 });
      expect(r.ok).toBe(true);
      expect(r.value.totals).toMatchObject({
        llmCalls: row?.[1],
        inputTokens: row?.[2],
        outputTokens: row?.[3],
      });
      // Timestamps (µs) and doubles arrive exactly through the typed Arrow append.
      expect(r.value.calls[0]?.startUs).toBe(row?.[5]);
      expect(Math.max(...r.value.calls.map((c) => c.durationMs ?? 0))).toBe(row?.[6]);
      // 1 system prompt + (user, assistant) per call, each shown once despite the re-sent history.
      expect(r.value.messages).toHaveLength(1 + 2 * Number(row?.[1]));
      // Computed from the rows read (session-fast.ts) unless a span lacks the id: DuckDB then.
      expect(await marksNamed('engine:session-rows')).toBe(computed + (detached ? 0 : 1));
    });

  it('opens a session before parquet-wasm is compiled, reading its rows with hyparquet, as after', async () => {
    const [row] = await sessionCalls(false);
    const ask = (on: Page, id: number) =>
      engine<{ ok: boolean; value: unknown }>(
        `(e, a) => e.session(a.key, a.view, a.id)`,
        { key: row?.[0], view, id },
        on,
      );
    // The shared page has DuckDB, and parquet-wasm beside it, up by now.
    const warm = await ask(page, 23);
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`${app.url}/`);
      await fresh.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      expect(
        (await engine<{ ok: boolean }>(`(e) => e.open({ kind: 'collector' })`, undefined, fresh)).ok,
      ).toBe(true);
      // As in the app: the first page comes from the JavaScript index (DuckDB, and parquet-wasm
      // with it, wait until it is shown), then the session opens.
      expect((await engine<{ ok: boolean }>(`(e, v) => e.sessionsPage(v, 1)`, view, fresh)).ok).toBe(true);
      const cold = await ask(fresh, 2);
      const marks = await engine<{ name: string; atMs: number }[]>(`(e) => e.timeline()`, undefined, fresh);
      const at = (match: (name: string) => boolean): number =>
        Math.min(...marks.filter((m) => match(m.name)).map((m) => m.atMs));
      const rowsAt = at((n) => n === 'engine:session-rows');
      expect(rowsAt).toBeLessThan(Number.POSITIVE_INFINITY);
      // The rows were in before parquet-wasm's module had even arrived.
      expect(rowsAt).toBeLessThan(at((n) => n.startsWith('fetch-end') && n.includes('parquet_wasm')));
      expect(cold.ok).toBe(true);
      expect(cold.value).toEqual(warm.value);
    } finally {
      await fresh.close();
    }
  });

  it('opens a sessionless trace by its trace key', async () => {
    const [row] = await native(`SELECT trace_id, count(*) FILTER (is_llm_call)::INT
      FROM read_parquet('${join(dir, 'snap')}/spans/**/*.parquet', hive_partitioning = false)
      GROUP BY trace_id HAVING count(session_id) = 0 ORDER BY trace_id LIMIT 1`);
    const computed = await marksNamed('engine:session-rows');
    const r = await engine<{ ok: true; value: { sessionId: string | null; calls: unknown[] } }>(
      `(e, a) => e.session(a.key, a.view, 21)`,
      { key: `trace:${String(row?.[0])}`, view },
    );
    expect(r.ok).toBe(true);
    expect(r.value.sessionId).toBeNull();
    expect(r.value.calls).toHaveLength(Number(row?.[1]));
    expect(await marksNamed('engine:session-rows')).toBe(computed + 1);
    const missing = await engine<{ ok: false; error: { kind: string; message: string } }>(
      `(e, a) => e.session(a.key, a.view, 23)`,
      { key: 'no-such-session', view },
    );
    expect(missing).toEqual({
      ok: false,
      error: { kind: 'not-found', message: 'No session "no-such-session" in this source.' },
    });
  });

  it("reads an opened session's calls' raw attributes one span at a time, as DuckDB reads them", async () => {
    const [row] = await sessionCalls(true);
    // Open already when run after the others (the same source, reused); opened here when alone.
    expect((await engine<{ ok: boolean }>(`(e) => e.open({ kind: 'collector' })`)).ok).toBe(true);
    const opened = await engine<{
      ok: true;
      value: { calls: { traceId: string; spanId: string; startUs: number }[] };
    }>(`(e, a) => e.session(a.key, a.view, 24)`, { key: row?.[0], view });
    expect(opened.ok).toBe(true);
    const calls = opened.value.calls;
    expect(calls.length).toBeGreaterThan(1);
    const stored = await native(`SELECT trace_id, span_id, attributes, resource_attributes, events
      FROM read_parquet('${join(dir, 'snap')}/spans/**/*.parquet', hive_partitioning = false)
      WHERE span_id IN (${calls.map((c) => `'${c.spanId}'`).join(', ')})`);
    // The session's last call is stored without its session id here: read all the same.
    for (const call of calls) {
      const raw = await engine<unknown>(`(e, ref) => e.spanRaw(ref)`, call);
      const [, , attributes, resourceAttributes, events] =
        stored.find((r) => r[0] === call.traceId && r[1] === call.spanId) ?? [];
      expect(raw).toMatchObject({ ok: true, value: { attributes, resourceAttributes, events } });
    }
    const [first] = calls;
    expect(
      await engine<unknown>(`(e, ref) => e.spanRaw(ref)`, { ...first, spanId: '0'.repeat(16) }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
  });

  it('exports the filtered sessions as CSV and as Parquet', async () => {
    const r = await engine<{ csvLines: number; magic: string; total: number }>(
      `async (e, v) => {
      const page = await e.sessionsPage(v, 30);
      const csv = await e.exportSessions(v, 'csv');
      const pq = await e.exportSessions(v, 'parquet');
      const text = new TextDecoder().decode(csv.value);
      return { total: page.value.total, csvLines: text.trim().split('\\r\\n').length,
        magic: new TextDecoder().decode(pq.value.slice(0, 4)) + new TextDecoder().decode(pq.value.slice(-4)) };
    }`,
      { ...view, models: ['gpt-4o'] },
    );
    expect(r.csvLines).toBe(r.total + 1);
    expect(r.magic).toBe('PAR1PAR1');
  });

  it('names what is wrong with a source', async () => {
    const kinds = await engine<string[]>(
      `async (e, u) => {
      const out = [];
      for (const url of u) { const r = await e.open({ kind: 'url', url }); out.push(r.ok ? 'ok' : r.error.kind); }
      return out;
    }`,
      [
        `${other.url}/newer/`,
        `${other.url}/text.parquet`,
        `${other.url}/nowhere/manifest.json`,
        'http://127.0.0.1:9/manifest.json',
      ],
    );
    // The last is another origin that does not answer: the browser cannot tell it from a CORS refusal.
    expect(kinds).toEqual(['schema-too-new', 'not-parquet', 'http-status', 'cors']);
  });

  it('counts a session across dropped files once, after opening it and widening the range', async () => {
    // A session whose spans straddle an hour boundary, so the two hour files both hold some.
    const spans = `read_parquet('${join(dir, 'snap')}/spans/**/*.parquet', hive_partitioning = false, filename = true)`;
    const [row] = await native(`SELECT session_id, list_sort(list_distinct(list(filename)))::VARCHAR[],
        epoch_us(date_trunc('hour', max(start_time)))::DOUBLE, count(*)::INT
      FROM ${spans} WHERE session_id IS NOT NULL GROUP BY session_id
      HAVING count(DISTINCT filename) = 2 ORDER BY session_id LIMIT 1`);
    const [key, files, boundaryUs, count] = row as [string, string[], number, number];
    const rels = files.map((f) => f.slice(join(dir, 'snap').length));
    const r = await engine<{ before: unknown; after: unknown; opened: boolean }>(
      `async (e, a) => {
      const files = [];
      for (const [i, rel] of a.rels.entries())
        files.push(new File([await (await fetch(a.base + rel)).arrayBuffer()], 'part-' + i + '.parquet'));
      await e.open({ kind: 'files', files });
      // The range ends at the boundary: only the first file is loaded whole.
      const narrow = { ...a.view, search: a.key, time: { kind: 'absolute', fromUs: a.boundary - 3600e6, toUs: a.boundary - 1 } };
      const before = await e.sessionsPage(narrow, 50);
      const opened = await e.session(a.key, narrow, 51);
      const after = await e.sessionsPage({ ...a.view, search: a.key }, 52);
      return { before: before.value.rows[0]?.spans, opened: opened.ok, after: after.value.rows[0]?.spans };
    }`,
      { rels, base: `${app.url}/data`, view, key, boundary: boundaryUs },
    );
    expect(r.opened).toBe(true);
    expect(r.before).toBeLessThan(count);
    expect(r.after).toBe(count);
  });

  it('opens a dropped Parquet file and derives its sessions', async () => {
    const [file] = await native(
      `SELECT file FROM glob('${join(dir, 'snap')}/spans/**/*.parquet') ORDER BY file LIMIT 1`,
    );
    const rel = String(file?.[0]).slice(join(dir, 'snap').length);
    const [count] = await native(
      `SELECT count(DISTINCT coalesce(session_id, 'trace:' || trace_id))::INT FROM read_parquet('${String(file?.[0])}')`,
    );
    const r = await engine<{ ok: boolean; total: number; label: string }>(
      `async (e, a) => {
      const bytes = await (await fetch(a.url)).arrayBuffer();
      const opened = await e.open({ kind: 'files', files: [new File([bytes], 'dropped.parquet')] });
      const page = await e.sessionsPage(a.view, 40);
      return { ok: opened.ok && page.ok, total: page.value?.total, label: opened.value?.label };
    }`,
      { url: `${app.url}/data${rel}`, view },
    );
    expect(r).toEqual({ ok: true, total: count?.[0], label: 'dropped.parquet (local)' });
  });

  it('tells when its source changed, names a file gone since, and reads the source anew', async () => {
    const root = join(dir, 'live');
    const first = await writeSnapshot(root, {
      sessions: 40,
      spansPerSession: 4,
      days: 1,
      endIso: '2026-11-26T00:00:00Z',
      rowGroupSize: 2048,
    });
    const live = await startStaticServer({ '/': root });
    try {
      const spec = { kind: 'url', url: `${live.url}/` };
      expect((await engine<{ ok: boolean }>(`(e, s) => e.open(s)`, spec)).ok).toBe(true);
      const listed = await engine<{ ok: true; value: { rows: { key: string }[] } }>(
        `(e, v) => e.sessionsPage(v, 1)`,
        view,
      );
      const key = listed.value.rows[0]?.key ?? '';
      expect(key).not.toBe('');
      expect(await engine(`(e) => e.checkSource()`)).toMatchObject({
        ok: true,
        value: { rowsAdded: 0, filesChanged: false },
      });

      // A compaction: the same span and message rows under new names, the old files deleted.
      const moved = first.files.map((f) =>
        f.table === 'sessions' ? f : { ...f, path: f.path.replace(/\.parquet$/, '-merged.parquet') },
      );
      for (const [i, f] of first.files.entries())
        if (f.table !== 'sessions') await rename(join(root, f.path), join(root, moved[i]?.path ?? ''));
      await writeFile(join(root, 'manifest.json'), JSON.stringify({ ...first, files: moved }));
      expect(await engine(`(e) => e.checkSource()`)).toMatchObject({
        ok: true,
        value: { rowsAdded: 0, filesChanged: true },
      });
      const stale = await engine<{ ok: false; error: { kind: string } }>(
        `(e, k) => e.session(k, undefined, 2)`,
        key,
      );
      expect(stale.ok).toBe(false);
      expect(stale.error.kind).toBe('source-changed');

      expect((await engine<{ ok: boolean }>(`(e, s) => e.open(s, undefined, true)`, spec)).ok).toBe(true);
      const fresh = await engine<{ ok: boolean; value: { messages: unknown[] } }>(
        `(e, k) => e.session(k, undefined, 3)`,
        key,
      );
      expect(fresh.ok).toBe(true);
      expect(fresh.value.messages.length).toBeGreaterThan(0);

      // New data: more sessions written over it.
      await writeSnapshot(root, {
        sessions: 60,
        spansPerSession: 4,
        days: 1,
        endIso: '2026-11-26T00:00:00Z',
        rowGroupSize: 2048,
      });
      const grown = await engine<{ ok: true; value: { rowsAdded: number } }>(`(e) => e.checkSource()`);
      expect(grown.value.rowsAdded).toBeGreaterThan(0);
    } finally {
      await live.close();
    }
  });
});
