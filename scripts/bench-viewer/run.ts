/**
 * bench-viewer: the viewer's data path at 1M spans / 100k sessions, in headless Chromium against
 * native DuckDB over the same files. Generates (and caches) a snapshot (by default with DuckDB SQL:
 * gen-synthetic goes through the collector pipeline, ~100 s per 20k spans here), serves it over loopback
 * HTTP with the built viewer, and writes the `bench-viewer` section of docs/benchmarks.md.
 *
 *   node scripts/bench-viewer/run.ts [--spans 1000000] [--sessions 100000] [--seed 42]
 *        [--generator sql|gen-synthetic] [--cold-runs 3] [--no-build] [--no-write]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, hostname, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Manifest } from '@parley/shared/manifest';
import { MESSAGES_COLUMNS, SESSIONS_COLUMNS } from '@parley/shared/schema';
import { sessionCalls, sessionMessages } from '@parley/shared/sql/session';
import { sessionsPage } from '@parley/shared/sql/sessions';
import { CREATE_SESSION_ROLLUP_SQL } from '@parley/shared/sql/filters';
import type { SqlQuery } from '@parley/shared/sql/query';
import { defaultViewState } from '@parley/shared/url-state';
import type { ViewState } from '@parley/shared/view';
import type { Page } from 'playwright-core';
import { startStaticServer } from '../../viewer/test/engine/static-server.ts';
import { writeSnapshot } from '../../viewer/test/engine/snapshot-writer.ts';
import { launch as launchChromium } from '../../viewer/test/browser/chromium.ts';
import { buildHarness } from './build-harness.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    sessions: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '42' },
    generator: { type: 'string', default: 'sql' },
    'cold-runs': { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const SPANS = Number(args.spans);
const SESSIONS = Number(args.sessions);
const END = '2026-11-25T00:00:00Z';
const COLD_RUNS = Number(args['cold-runs']);

const log = (msg: string): void => void process.stderr.write(`[bench-viewer] ${msg}\n`);
const median = (xs: number[]): number => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

async function snapshot(): Promise<{ root: string; manifest: Manifest; generator: string }> {
  const key = `${args.generator}-s${SPANS}-x${SESSIONS}-seed${args.seed}-end${END.slice(0, 10)}`;
  const root = join(tmpdir(), 'parley-bench-viewer', key);
  const manifestPath = join(root, 'manifest.json');
  if (!existsSync(manifestPath)) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    const t0 = performance.now();
    if (args.generator === 'sql') {
      await writeSnapshot(root, {
        sessions: SESSIONS,
        spansPerSession: Math.round(SPANS / SESSIONS),
        days: 7,
        endIso: END,
        rowGroupSize: 2048,
      });
    } else {
      const r = spawnSync(
        join(repo, 'scripts', 'gen-synthetic'),
        [
          '--spans',
          String(SPANS),
          '--sessions',
          String(SESSIONS),
          '--seed',
          String(args.seed),
          '--format',
          'parquet',
          '--out',
          root,
          '--end',
          END,
          '--window',
          '7d',
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      if (r.status !== 0) throw new Error(`gen-synthetic failed (${r.status})`);
    }
    log(`generated ${key} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } else {
    log(`reusing cached snapshot ${root}`);
  }
  return { root, manifest: JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest, generator: key };
}

/** Both sides query the per-session rollup table built once over the loaded summaries. */
const ROLLUP = { rollup: true };

const VIEW: ViewState = { ...defaultViewState(), time: { kind: 'relative', range: 'all' } };

/** Twenty filter changes a user makes: typing a search, picking models, sorting, paging. */
function filterChanges(models: string[]): ViewState[] {
  const m = models.slice(0, 3);
  const searches = ['c', 'co', 'con', 'conv', 'conv_1', 'conv_1a', 'a1', 'ff', 'zz-none', ''];
  const views: ViewState[] = searches.map((search) => ({ ...VIEW, search }));
  views.push({ ...VIEW, models: m.slice(0, 1) }, { ...VIEW, models: m.slice(0, 2) }, { ...VIEW, models: m });
  views.push(
    { ...VIEW, sort: { key: 'total_cost_usd', dir: 'desc' } },
    { ...VIEW, sort: { key: 'input_tokens', dir: 'asc' } },
  );
  views.push(
    { ...VIEW, sort: { key: 'duration', dir: 'desc' } },
    { ...VIEW, page: 2 },
    { ...VIEW, page: 200 },
  );
  views.push({ ...VIEW, pageSize: 200 }, { ...VIEW, search: 'a', models: m.slice(0, 1) });
  return views;
}

interface BrowserRun {
  firstPageMs: number;
  bytesFirstPage: number;
  filterMs: number[];
  sessionMs: number[];
  bytesPerSession: number[];
  sessionKeys: string[];
  sessionMessages: number[];
  models: string[];
}

async function engineCall<T>(page: Page, body: string, arg?: unknown): Promise<T> {
  return page.evaluate(
    ([b, a]) => {
      const e = (window as unknown as { __parleyEngine: unknown }).__parleyEngine;
      return (
        new Function('e', 'arg', `return (${b})(e, arg)`) as (e: unknown, a: unknown) => Promise<unknown>
      )(e, a);
    },
    [body, arg] as const,
  ) as Promise<T>;
}

/** One cold page load (fresh browser context: no HTTP cache) until the first sessions page is shown. */
async function coldRun(baseUrl: string, mode: 'app' | 'harness', measureWarm: boolean): Promise<BrowserRun> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    let firstPageMs: number;
    if (mode === 'app') {
      await page.addInitScript(() => {
        const w = window as unknown as { __firstRowAt?: number };
        new MutationObserver((_, obs) => {
          if (document.querySelector('tbody tr[data-key]')) {
            w.__firstRowAt = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(`${baseUrl}/?t=all&engine-debug`);
      await page.waitForFunction(
        () => (window as unknown as { __firstRowAt?: number }).__firstRowAt !== undefined,
        null,
        { timeout: 120_000 },
      );
      firstPageMs = await page.evaluate(() => (window as unknown as { __firstRowAt: number }).__firstRowAt);
    } else {
      await page.goto(`${baseUrl}/`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const r = await engineCall<{ ok: boolean; at: number }>(
        page,
        `async (e, v) => {
        const o = await e.open({ kind: 'collector' });
        const p = await e.sessionsPage(v, 1);
        return { ok: o.ok && p.ok, at: performance.now() };
      }`,
        VIEW,
      );
      if (!r.ok) throw new Error('harness could not open the snapshot');
      firstPageMs = r.at;
    }
    await page.waitForFunction(
      () => (window as unknown as { __parleyEngine?: unknown }).__parleyEngine !== undefined,
    );
    const bytesFirstPage = await engineCall<number>(page, `(e) => e.bytesFetched()`);
    const run: BrowserRun = {
      firstPageMs,
      bytesFirstPage,
      filterMs: [],
      sessionMs: [],
      bytesPerSession: [],
      sessionKeys: [],
      sessionMessages: [],
      models: [],
    };
    if (!measureWarm) return run;
    if (mode === 'app') {
      // The app may still be loading its chart and model list: let it settle first.
      await engineCall(page, `(e, v) => Promise.all([e.models(v, 900001), e.timeseries(v, 900002)])`, VIEW);
    }
    const models = await engineCall<{ ok: true; value: { model: string }[] }>(
      page,
      `(e, v) => e.models(v, 900003)`,
      VIEW,
    );
    run.models = models.value.map((m) => m.model);
    const changes = filterChanges(run.models);
    run.filterMs = await engineCall<number[]>(
      page,
      `async (e, views) => {
      const out = [];
      let id = 910000;
      for (const v of views) {
        const t = performance.now();
        const r = await e.sessionsPage(v, ++id);
        if (!r.ok) throw new Error(r.error.message);
        out.push(performance.now() - t);
      }
      return out;
    }`,
      changes,
    );
    const first = await engineCall<{ ok: true; value: { rows: { key: string; llmCalls: number }[] } }>(
      page,
      `(e, v) => e.sessionsPage(v, 920000)`,
      { ...VIEW, sort: { key: 'llm_calls', dir: 'desc' } },
    );
    run.sessionKeys = first.value.rows.slice(0, 5).map((r) => r.key);
    for (const [i, key] of run.sessionKeys.entries()) {
      const r = await engineCall<{ ms: number; bytes: number; messages: number }>(
        page,
        `async (e, a) => {
        const b0 = await e.bytesFetched();
        const t = performance.now();
        const r = await e.session(a.key, a.view, a.id);
        const ms = performance.now() - t;
        if (!r.ok) throw new Error(r.error.message);
        return { ms, bytes: (await e.bytesFetched()) - b0, messages: r.value.messages.length };
      }`,
        { key, view: VIEW, id: 930000 + i },
      );
      run.sessionMs.push(r.ms);
      run.bytesPerSession.push(r.bytes);
      run.sessionMessages.push(r.messages);
    }
    return run;
  } finally {
    await browser.close();
  }
}

interface ReaderTimes {
  files: number;
  bytes: number;
  rows: number;
  hyparquetMs: number;
  parquetWasmInitMs: number;
  parquetWasmMs: number;
}

/** hyparquet vs parquet-wasm on the same files in this Chromium (harness page). */
async function compareReaders(
  baseUrl: string,
  manifest: Manifest,
): Promise<Array<{ label: string; t: ReaderTimes }>> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const sets = [
      {
        label: 'all sessions files (first page)',
        table: 'sessions',
        columns: SESSIONS_COLUMNS.map((c) => c.name),
        take: Infinity,
      },
      {
        label: '3 largest messages files, all columns',
        table: 'messages',
        columns: MESSAGES_COLUMNS.map((c) => c.name),
        take: 3,
      },
    ];
    const out: Array<{ label: string; t: ReaderTimes }> = [];
    for (const set of sets) {
      const urls = manifest.files
        .filter((f) => f.table === set.table)
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, set.take)
        .map((f) => `${baseUrl}/data/${f.path}`);
      const t = await page.evaluate(
        ([u, c]) =>
          (
            window as unknown as { __compareReaders: (u: string[], c: string[]) => Promise<ReaderTimes> }
          ).__compareReaders(u, c),
        [urls, set.columns] as const,
      );
      out.push({ label: set.label, t });
    }
    return out;
  } finally {
    await browser.close();
  }
}

async function timed(con: DuckDBConnection, q: SqlQuery): Promise<number> {
  const t = performance.now();
  const stmt = await con.prepare(q.sql);
  stmt.bind(q.params);
  await (await stmt.run()).getRows();
  return performance.now() - t;
}

async function nativeRun(
  root: string,
  manifest: Manifest,
  run: BrowserRun,
): Promise<{ firstPageMs: number; filterMs: number[]; sessionMs: number[] }> {
  const list = (table: string): string =>
    `[${manifest.files
      .filter((f) => f.table === table)
      .map((f) => `'${join(root, f.path)}'`)
      .join(', ')}]`;
  const db = await DuckDBInstance.create(':memory:', { threads: String(cpus().length) });
  const con = await db.connect();
  try {
    const nowUs = Date.now() * 1000;
    const t0 = performance.now();
    await con.run(
      `CREATE TABLE sessions AS SELECT * FROM read_parquet(${list('sessions')}, hive_partitioning = false, union_by_name = true)`,
    );
    await con.run(CREATE_SESSION_ROLLUP_SQL);
    await timed(con, sessionsPage(VIEW, nowUs, ROLLUP));
    const firstPageMs = performance.now() - t0;
    const filterMs: number[] = [];
    for (const v of filterChanges(run.models))
      filterMs.push(await timed(con, sessionsPage(v, nowUs, ROLLUP)));
    await con.run(
      `CREATE VIEW spans AS SELECT * FROM read_parquet(${list('spans')}, hive_partitioning = false, union_by_name = true)`,
    );
    await con.run(
      `CREATE VIEW messages AS SELECT * FROM read_parquet(${list('messages')}, hive_partitioning = false, union_by_name = true)`,
    );
    const sessionMs: number[] = [];
    for (const key of run.sessionKeys)
      sessionMs.push((await timed(con, sessionCalls(key))) + (await timed(con, sessionMessages(key))));
    return { firstPageMs, filterMs, sessionMs };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

function buildApp(): boolean {
  if (args['no-build']) return existsSync(join(repo, 'viewer', 'build', 'index.html'));
  log('building the viewer (npm run build -w @parley/viewer)');
  const r = spawnSync('npm', ['run', 'build', '-w', '@parley/viewer'], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return r.status === 0 && existsSync(join(repo, 'viewer', 'build', 'index.html'));
}

const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
const mb = (b: number): string => `${(b / 1e6).toFixed(2)} MB`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(a / b < 1 ? 2 : 1)}x`;
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

async function main(): Promise<void> {
  const snap = await snapshot();
  const snapshotBytes = snap.manifest.files.reduce((n, f) => n + f.bytes, 0);
  const byTable = (t: string): number =>
    snap.manifest.files.filter((f) => f.table === t).reduce((n, f) => n + f.bytes, 0);
  const spanRows = snap.manifest.files.filter((f) => f.table === 'spans').reduce((n, f) => n + f.rows, 0);
  log(`snapshot: ${snap.manifest.files.length} files, ${mb(snapshotBytes)}, ${spanRows} spans`);

  const work = join(tmpdir(), `parley-bench-viewer-run-${process.pid}`);
  await mkdir(work, { recursive: true });
  const appBuilt = buildApp();
  if (!appBuilt) log('the viewer build is not available: measuring the engine harness only');
  await buildHarness(join(work, 'harness'));

  const appServer = appBuilt
    ? await startStaticServer(
        { '/data/': snap.root, '/': join(repo, 'viewer', 'build') },
        { spaFallback: 'index.html' },
      )
    : null;
  const harnessServer = await startStaticServer({ '/data/': snap.root, '/': join(work, 'harness') });
  try {
    const runs: Array<{ mode: 'app' | 'harness'; runs: BrowserRun[] }> = [];
    for (const mode of appBuilt ? (['app', 'harness'] as const) : (['harness'] as const)) {
      const base = mode === 'app' ? (appServer as { url: string }).url : harnessServer.url;
      const list: BrowserRun[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        const r = await coldRun(base, mode, i === COLD_RUNS - 1);
        log(`${mode} cold run ${i + 1}: first page ${fmt(r.firstPageMs)}, ${mb(r.bytesFirstPage)} fetched`);
        list.push(r);
      }
      runs.push({ mode, runs: list });
    }
    const main = runs[0] as { mode: 'app' | 'harness'; runs: BrowserRun[] };
    const warm = main.runs[main.runs.length - 1] as BrowserRun;
    const nat = await nativeRun(snap.root, snap.manifest, warm);
    const readers = await compareReaders(harnessServer.url, snap.manifest);
    const cold = median(main.runs.map((r) => r.firstPageMs));
    const bytes = median(main.runs.map((r) => r.bytesFirstPage));
    const f50 = quantile(warm.filterMs, 0.5);
    const f95 = quantile(warm.filterMs, 0.95);
    const s50 = median(warm.sessionMs);
    const n50 = quantile(nat.filterMs, 0.5);
    const n95 = quantile(nat.filterMs, 0.95);
    const ns50 = median(nat.sessionMs);
    const harness = runs.find((r) => r.mode === 'harness');
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const chromiumVersion = (() => {
      try {
        return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
      } catch {
        return 'chromium';
      }
    })();
    const lines = [
      `Run ${new Date().toISOString().slice(0, 16)}Z on ${hostname()}: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM (shared with other jobs; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(
          ' ',
        )} at the end), ${chromiumVersion} headless, Node ${process.version}, DuckDB-WASM 1.32 (eh); Parquet read with parquet-wasm 0.8 (whole small files) and hyparquet 1.33 (range reads of large files).`,
      `Snapshot: ${snap.generator} — ${spanRows.toLocaleString('en-US')} spans, ${snap.manifest.files.length} files, ${mb(snapshotBytes)} (sessions ${mb(byTable('sessions'))}, spans ${mb(byTable('spans'))}, messages ${mb(byTable('messages'))}), served over loopback HTTP with Range.`,
      `Browser: ${main.mode === 'app' ? 'the built viewer (`npm run build -w @parley/viewer`), time range "all", first sessions page = first table row in the DOM after navigation' : 'the engine harness page (viewer build unavailable)'}; cold = fresh browser, median of ${COLD_RUNS}. Warm numbers are engine round trips (comlink included) in the last cold page. Native = @duckdb/node-api in this process over the same files (sessions loaded into a table plus the same rollup table the worker builds; spans/messages via read_parquet views). Browser cold start includes compiling DuckDB-WASM (34 MB) in a fresh profile.`,
      '',
      '| measure | browser | native DuckDB | ratio | target | |',
      '| --- | --- | --- | --- | --- | --- |',
      `| cold: first sessions page | ${fmt(cold)} | ${fmt(nat.firstPageMs)} | ${ratio(cold, nat.firstPageMs)} | < 1.5 s | ${verdict(cold < 1500)} |`,
      `| warm filter change p50 | ${fmt(f50)} | ${fmt(n50)} | ${ratio(f50, n50)} | | |`,
      `| warm filter change p95 (20 changes) | ${fmt(f95)} | ${fmt(n95)} | ${ratio(f95, n95)} | < 150 ms, <= 3x | ${verdict(f95 < 150 && f95 / n95 <= 3)} |`,
      `| open one session (median of ${warm.sessionMs.length}, cold per session) | ${fmt(s50)} | ${fmt(ns50)} | ${ratio(s50, ns50)} | < 200 ms | ${verdict(s50 < 200)} |`,
      `| bytes fetched for the first page | ${mb(bytes)} (${((bytes / snapshotBytes) * 100).toFixed(2)}% of snapshot) | | | < 5% | ${verdict(bytes / snapshotBytes < 0.05)} |`,
      `| bytes fetched per opened session (median) | ${mb(median(warm.bytesPerSession))} | | | | |`,
      '',
      `Cold runs (ms): ${main.runs.map((r) => r.firstPageMs.toFixed(0)).join(', ')}.${harness && harness !== main ? ` Engine harness (open + first page through the API, no UI): ${harness.runs.map((r) => r.firstPageMs.toFixed(0)).join(', ')} ms.` : ''}`,
      `Filter changes (ms): ${warm.filterMs.map((x) => x.toFixed(0)).join(', ')}; native: ${nat.filterMs.map((x) => x.toFixed(0)).join(', ')}.`,
      `Sessions opened (ms): ${warm.sessionMs.map((x) => x.toFixed(0)).join(', ')} (${warm.sessionMessages.join(', ')} messages shown); native: ${nat.sessionMs.map((x) => x.toFixed(0)).join(', ')}.`,
      '',
      'Parquet readers on the same bytes in this Chromium (decode only; hyparquet to JS columns as the engine uses them, parquet-wasm 0.8 to Arrow IPC):',
      '',
      '| files | bytes | rows | hyparquet | parquet-wasm (+ one-time init) |',
      '| --- | --- | --- | --- | --- |',
      ...readers.map(
        ({ label, t }) =>
          `| ${label}: ${t.files} | ${mb(t.bytes)} | ${t.rows.toLocaleString('en-US')} | ${fmt(t.hyparquetMs)} | ${fmt(t.parquetWasmMs)} (+ ${fmt(t.parquetWasmInitMs)}) |`,
      ),
    ];
    const section = lines.join('\n');
    process.stdout.write(`${section}\n`);
    if (!args['no-write']) {
      const doc = join(repo, 'docs', 'benchmarks.md');
      const text = await readFile(doc, 'utf8');
      const start = '<!-- bench-viewer:start -->';
      const end = '<!-- bench-viewer:end -->';
      const a = text.indexOf(start);
      const b = text.indexOf(end);
      if (a < 0 || b < a) throw new Error('bench-viewer markers missing in docs/benchmarks.md');
      await writeFile(
        doc,
        `${text.slice(0, a + start.length)}\n## Viewer (scripts/bench-viewer)\n\n${section}\n${text.slice(b)}`,
      );
      log('wrote docs/benchmarks.md');
    }
  } finally {
    await appServer?.close();
    await harnessServer.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
