/**
 * The data worker: DuckDB-WASM plus a Parquet reader behind comlink (EngineApi). Requests carry an
 * id; a newer request of the same purpose supersedes the older one, whose result comes back as
 * { ok: false, error: { kind: 'cancelled' } }, so results are never shown out of order.
 */
import * as Comlink from 'comlink';
import {
  sessionCalls,
  sessionEmbeddings,
  sessionMessages,
  sessionSpanExtent,
} from '@parley/shared/sql/session';
import { modelCounts, sessionsAll, sessionsPage } from '@parley/shared/sql/sessions';
import { sqlForCli } from '@parley/shared/sql/cli';
import { chartReadsSpans, summaryTimeseries } from '@parley/shared/sql/summary-timeseries';
import { timeseries } from '@parley/shared/sql/timeseries';
import { resolveTimeRange, seriesDomain } from '@parley/shared/sql/time';
import { intlOffset, zoneOffsets } from '@parley/shared/sql/zone';
import { mapModelCounts, mapSessionsPage, mapTimeBuckets } from '@parley/shared/sql/rows';
import type { ManifestFile } from '@parley/shared/manifest';
import type { SessionRows } from '@parley/shared/session-fast';
import type { SqlQuery } from '@parley/shared/sql/query';
import type { SessionListRow, SessionsPage, ViewState } from '@parley/shared/view';
import type { EngineApi, Mark, Progress, Result, SourceInfo, SourceSpec } from './api.ts';
import type { FetchCounter } from './byte-source.ts';
import { sessionsCsv } from './csv.ts';
import type { DuckSide } from './duck-ops.ts';
import type { ParquetOps } from './parquet-ops.ts';
import { CANCELLED, EngineFailure, engineError, fail, toEngineError } from './errors.ts';
import { CHART_SPANS_TABLE } from './engine-tables.ts';
import { createLoader, type Loader } from './loader.ts';
import type { CatalogFile } from './manifest.ts';
import { retryMemo } from './retry-memo.ts';
import { sessionDetailFromRows } from './session-detail.ts';
import { openSource, type OpenedSource } from './source.ts';
import { loadRange } from './time-range.ts';
import { BOOT_NAME_PREFIX, remoteSourceSpec } from './source-spec.ts';
import { parseViewState } from '@parley/shared/url-state';

type Purpose = 'sessionsPage' | 'models' | 'timeseries' | 'session';

interface Opened {
  source: OpenedSource;
  loader: Loader;
  /** DuckDB with this source's (empty, then loaded) tables; started again if its start failed. */
  duck: () => Promise<DuckSide>;
}

const listeners: Array<(p: Progress) => void> = [];
const counter: FetchCounter = { bytes: 0, onFetched: () => emitFetch() };
let bytesTotal: number | null = null;
let lastFetchEmit = 0;

function emit(phase: Progress['phase'], message: string): void {
  const p: Progress = { phase, message, bytesFetched: counter.bytes, bytesTotal };
  for (const l of listeners) void Promise.resolve(l(p)).catch(() => undefined);
}

function emitFetch(): void {
  const now = performance.now();
  if (now - lastFetchEmit < 100) return;
  lastFetchEmit = now;
  emit('fetch', 'Fetching data');
}

/** Cold-start steps as performance marks (read back by timeline() for the benchmark). */
function mark(name: string): void {
  performance.mark(name);
}

mark('worker:start');
/**
 * DuckDB's compile (seconds of CPU on several threads) waits until the first page is on screen: on
 * two busy cores it would otherwise slow the decoding and rendering of that page. It starts when
 * the UI says the page is shown, when a query needs DuckDB while no fast page is being computed or
 * waiting to be painted, when the fast path declines, or FAST_PAGE_GRACE_MS after a fast page.
 */
const FAST_PAGE_GRACE_MS = 1500;
let startDuckNow: () => void = () => undefined;
const duckGate = new Promise<void>((r) => (startDuckNow = r));
/**
 * DuckDB, once the gate opens. A start that failed (its code could not be fetched: the collector
 * serving this page away for a moment) is tried again by the next query.
 */
const duckReady = retryMemo(async (): Promise<DuckSide> => {
  await duckGate;
  mark('engine:duckdb-start');
  emit('engine', 'Starting the query engine');
  try {
    const ops = await import('./duck-ops.ts');
    // The Parquet-to-Arrow reader loads DuckDB: compiled alongside it, ready when DuckDB is.
    void parquet().catch(() => undefined);
    const duck = await ops.startDuck(mark);
    mark('engine:duckdb-ready');
    emit('engine', 'Query engine ready');
    return { duck, ops };
  } catch (err) {
    const error = toEngineError(err);
    throw new EngineFailure(
      error.kind === 'out-of-memory' ? error : engineError('engine-unavailable', error.message),
    );
  }
});

let parquetOps: Promise<ParquetOps> | null = null;
let parquetLoaded: ParquetOps | null = null;
/** parquet-wasm, compiled on first use (a session's rows), or alongside DuckDB. */
function parquet(): Promise<ParquetOps> {
  if (!parquetOps) {
    const loading = import('./parquet-ops.ts').then(async (ops) => {
      await ops.startParquetWasm();
      parquetLoaded = ops;
      return ops;
    });
    parquetOps = loading;
    loading.catch(() => {
      if (parquetOps === loading) parquetOps = null;
    });
  }
  return parquetOps;
}

let fastInFlight = 0;
/** A fast page was delivered and may not be painted yet: DuckDB waits for shown() or the grace. */
let pageUnshown = false;

/** The fast path's page (null: it declined, and DuckDB must answer). */
async function fastPage(loader: Loader, view: ViewState, now: number): Promise<SessionsPage | null> {
  fastInFlight++;
  let page: SessionsPage | null = null;
  try {
    page = await loader.fastSessionsPage(view, now);
    return page;
  } finally {
    if (--fastInFlight === 0) {
      if (page) {
        pageUnshown = true;
        setTimeout(startDuckNow, FAST_PAGE_GRACE_MS);
      } else startDuckNow();
    }
  }
}

/** What a page depends on (the data source aside). */
const pageKey = (v: ViewState): string =>
  JSON.stringify([v.search, v.models, v.time, v.page, v.pageSize, v.sort]);

/** The page of the view the app announced when it opened the source, computed ahead of its request. */
let hinted: { loader: Loader; key: string; page: Promise<SessionsPage | null> } | null = null;

/** A request that needs DuckDB: start it unless a fast page is being computed or painted. */
function needDuck(): void {
  if (fastInFlight === 0 && !pageUnshown) startDuckNow();
}

let generation = 0;
let current: Promise<Opened | null> = Promise.resolve(null);
/** The last open of a remote source: opening it again while it is open (or opening) reuses it. */
let lastOpen: { key: string; gen: number; result: Promise<Result<SourceInfo>> } | null = null;
const latest = new Map<Purpose, number>();
const cancelled = new Set<number>();

const nowUs = (): number => Date.now() * 1000;
/** Page queries read the rollup table the loader builds over the loaded summaries. */
const ROLLUP = { rollup: true };

function open(spec: SourceSpec, hint?: ViewState, fresh = false): Promise<Result<SourceInfo>> {
  // The app asks for its source before it hydrates (engine/client.ts) and again when it renders.
  const key = spec.kind === 'files' ? null : JSON.stringify(spec);
  if (fresh) return reread(spec, key, hint);
  if (key !== null && lastOpen?.key === key && lastOpen.gen === generation) {
    const reused = lastOpen.result;
    return reused.then((r) => (r.ok ? r : openFresh(spec, key, hint)));
  }
  return openFresh(spec, key, hint);
}

/**
 * Reads the open source anew. Its manifest is read before the source open now is let go: when it
 * cannot be (the collector away for a moment), that source stays open and its results with it.
 */
async function reread(spec: SourceSpec, key: string | null, hint?: ViewState): Promise<Result<SourceInfo>> {
  const gen = generation;
  counter.bytes = 0;
  let source: OpenedSource;
  try {
    source = await openSource(spec, self.location.origin, counter);
  } catch (err) {
    return gen === generation ? { ok: false, error: toEngineError(err) } : CANCELLED;
  }
  return gen === generation ? openFresh(spec, key, hint, source) : CANCELLED;
}

function openFresh(
  spec: SourceSpec,
  key: string | null,
  hint?: ViewState,
  read?: OpenedSource,
): Promise<Result<SourceInfo>> {
  const result = openNew(spec, hint, read);
  lastOpen = key === null ? null : { key, gen: generation, result };
  return result;
}

/** `read`: the source's manifest, when the caller has read it already. */
async function openNew(spec: SourceSpec, hint?: ViewState, read?: OpenedSource): Promise<Result<SourceInfo>> {
  const gen = ++generation;
  mark('engine:open');
  const t0 = performance.now();
  if (read === undefined) counter.bytes = 0;
  const opening = (async (): Promise<Opened> => {
    emit('manifest', 'Reading the source');
    // DuckDB may still be starting: the manifest and Parquet reads go ahead meanwhile.
    const source = read ?? (await openSource(spec, self.location.origin, counter));
    mark('engine:manifest');
    bytesTotal = source.files.reduce((n, f) => n + f.bytes, 0);
    const duck = retryMemo(async (): Promise<DuckSide> => {
      const d = await duckReady();
      if (gen === generation) await d.ops.resetTables(d.duck);
      return d;
    });
    // This source's tables are made as soon as DuckDB is up, before a query needs them.
    void duck().catch(() => undefined);
    const loader = createLoader(source, duck, parquet, () => gen === generation, {
      load: (m) => emit('load', m),
      mark,
      needDuck,
      duckStarted: duckGate,
      parquetReady: () => parquetLoaded,
    });
    // The first view is known before the app renders: start reading what its page needs.
    if (hint) {
      const page = fastPage(loader, hint, nowUs());
      page.catch(() => undefined);
      hinted = { loader, key: pageKey(hint), page };
    }
    return { source, duck, loader };
  })();
  current = opening.catch(() => null);
  try {
    const { source, loader } = await opening;
    if (gen !== generation) return CANCELLED;
    const extent = loader.extent();
    return {
      ok: true,
      queryMs: performance.now() - t0,
      value: {
        label: source.label,
        shareable: source.shareable,
        files: source.files.length,
        tables: {
          spans: source.files.filter((f) => f.table === 'spans').length,
          messages: source.files.filter((f) => f.table === 'messages').length,
          sessions: source.files.filter((f) => f.table === 'sessions').length,
        },
        totalBytes: source.files.reduce((n, f) => n + f.bytes, 0),
        schemaVersion: source.schemaVersion,
        minUs: extent?.minUs ?? null,
        maxUs: extent?.maxUs ?? null,
        skipped: source.skipped ?? [],
      },
    };
  } catch (err) {
    return gen === generation ? { ok: false, error: toEngineError(err) } : CANCELLED;
  }
}

/**
 * Runs one request: waits for the source, stops early when superseded, times the work.
 * `duck`: whether it needs DuckDB (started now unless a fast page is on its way).
 */
async function request<T>(
  purpose: Purpose | null,
  requestId: number,
  work: (o: Opened, stale: () => boolean) => Promise<T>,
  // A page and a session are computed without DuckDB when they can be; run() starts it if not.
  duck = purpose !== 'sessionsPage' && purpose !== 'session',
): Promise<Result<T>> {
  if (purpose) latest.set(purpose, requestId);
  if (duck) needDuck();
  const gen = generation;
  const stale = (): boolean =>
    gen !== generation || cancelled.has(requestId) || (purpose !== null && latest.get(purpose) !== requestId);
  const t0 = performance.now();
  let opened: Opened | null = null;
  try {
    opened = await current;
    if (stale()) return CANCELLED;
    if (!opened) return fail('query-failed', 'No data source is open.');
    const value = await work(opened, stale);
    if (stale()) return CANCELLED;
    const queryMs = performance.now() - t0;
    emit('query', `Query took ${Math.round(queryMs)} ms`);
    return { ok: true, value, queryMs };
  } catch (err) {
    return stale() ? CANCELLED : { ok: false, error: toEngineError(err, opened?.source.files) };
  } finally {
    cancelled.delete(requestId);
  }
}

/** Runs a query once DuckDB is up (loading may have gone ahead while it started). */
async function run(o: Opened, q: SqlQuery, stale: () => boolean): Promise<Record<string, unknown>[]> {
  needDuck();
  const { duck, ops } = await o.duck();
  if (stale()) throw new Error('superseded');
  return ops.queryRows(duck, q.sql, q.params);
}

/** The session's rows from DuckDB, where sessionRowsFast could not be exact. */
async function queriedSessionRows(
  o: Opened,
  key: string,
  inherit: boolean,
  stale: () => boolean,
): Promise<SessionRows> {
  // Sent together: the second query's round trip overlaps the first one's execution.
  const [calls, messages, extent, embeddings] = await Promise.all([
    run(o, sessionCalls(key, { inherit }), stale),
    run(o, sessionMessages(key, { inherit }), stale),
    run(o, sessionSpanExtent(key, { inherit }), stale),
    run(o, sessionEmbeddings(key, { inherit }), stale),
  ]);
  return { calls, messages, extent, embeddings };
}

async function allSessions(o: Opened, view: ViewState, stale: () => boolean): Promise<SessionListRow[]> {
  await o.loader.ensureSummaries(loadRange(view.time, nowUs()));
  return mapSessionsPage(await run(o, sessionsAll(view, nowUs(), ROLLUP), stale)).rows;
}

const api: EngineApi = {
  open,
  sessionsPage: (view, id) =>
    request('sessionsPage', id, async (o, stale) => {
      const now = nowUs();
      const ahead = hinted?.loader === o.loader && hinted.key === pageKey(view) ? hinted.page : null;
      hinted = null;
      const fast = (await ahead) ?? (await fastPage(o.loader, view, now));
      if (fast) {
        mark('engine:fast-page');
        return fast;
      }
      await o.loader.ensureSummaries(loadRange(view.time, now));
      return mapSessionsPage(await run(o, sessionsPage(view, now, ROLLUP), stale));
    }),
  models: (view, id) =>
    request('models', id, async (o, stale) => {
      await o.loader.ensureSummaries(loadRange(view.time, nowUs()));
      return mapModelCounts(await run(o, modelCounts(view, nowUs(), ROLLUP), stale));
    }),
  timeseries: (view, id) =>
    request('timeseries', id, async (o, stale) => {
      const now = nowUs();
      const range = loadRange(view.time, now);
      await o.loader.ensureSummaries(range);
      const extent = o.loader.extent();
      const resolved = resolveTimeRange(view.time, now);
      // The worker shares the page's zone (and its emulation in tests); Intl here costs the UI nothing.
      const zone = zoneOffsets(
        intlOffset(Intl.DateTimeFormat().resolvedOptions().timeZone),
        resolved.fromUs ?? extent?.minUs ?? now,
        resolved.toUs ?? Math.max(now, extent?.maxUs ?? now),
      );
      const fromSpans = o.source.files.some((f) => f.table === 'spans') && chartReadsSpans(view, now, extent);
      if (fromSpans) await o.loader.ensureChartSpans(range);
      const q = fromSpans
        ? timeseries(view, now, extent, { ...ROLLUP, spans: CHART_SPANS_TABLE, zone })
        : summaryTimeseries(view, now, extent, zone);
      const buckets = mapTimeBuckets(await run(o, q, stale));
      const domain = seriesDomain(resolved, now, q.bucketUs, buckets, extent, zone);
      return { bucketUs: q.bucketUs, ...domain, buckets };
    }),
  session: (key, _view, id) =>
    request('session', id, async (o, stale) => {
      // Summaries list sessions; without spans none of them could be found, and "no such session" would mislead.
      if (!o.source.files.some((f) => f.table === 'spans'))
        throw new EngineFailure(
          engineError(
            'missing-files',
            'This source holds session summaries (sessions/) but no span files (spans/): a conversation is read from its spans and messages.',
          ),
        );
      const { rows: fast, inherit } = await o.loader.ensureSession(key);
      const rows = fast ?? (await queriedSessionRows(o, key, inherit, stale));
      if (rows.calls.length === 0 && rows.messages.length === 0 && rows.embeddings.length === 0)
        throw new EngineFailure(engineError('not-found', `No session "${key}" in this source.`));
      return sessionDetailFromRows(key, rows);
    }),
  // Read from the span files alone: DuckDB is not needed.
  spanRaw: (ref) =>
    request(
      null,
      -1,
      async (o) => {
        const raw = await o.loader.spanRaw(ref);
        if (!raw)
          throw new EngineFailure(
            engineError(
              'not-found',
              "This call's span is not in the source: only its messages were received (as log records), or it has since been removed.",
            ),
          );
        return raw;
      },
      false,
    ),
  exportSessions: async (view, format) => {
    const result = await request(null, -1, async (o, stale) => {
      const rows = await allSessions(o, view, stale);
      if (format === 'csv') return new TextEncoder().encode(sessionsCsv(rows));
      return (await o.duck()).ops.sessionsParquet(rows);
    });
    return result.ok ? Comlink.transfer(result, [result.value.buffer]) : result;
  },
  sqlFor: async (view) => {
    const opened = await current;
    const root = opened?.source.baseUrl ?? '.';
    const files = opened?.source.baseUrl ? opened.source.files.map(toManifestFile) : undefined;
    return sqlForCli(view, nowUs(), root, files, opened?.source.fileQuery);
  },
  checkSource: async () => {
    const t0 = performance.now();
    try {
      const opened = await current;
      const value = opened?.source.check ? await opened.source.check() : null;
      return { ok: true, value, queryMs: performance.now() - t0 };
    } catch (err) {
      return { ok: false, error: toEngineError(err) };
    }
  },
  cancel: async (id) => {
    cancelled.add(id);
  },
  onProgress: async (listener) => {
    listeners.push(listener);
  },
  bytesFetched: async () => counter.bytes,
  shown: async () => {
    mark('app:first-page-shown');
    startDuckNow();
  },
  timeline: async () => marks(),
};

/** Marks, and when each fetch of the worker started and ended (resource timing). */
function marks(): Mark[] {
  const at = (ms: number): number => performance.timeOrigin + ms;
  const fetches = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).flatMap((r) => {
    const name = new URL(r.name).pathname.split('/').slice(-2).join('/');
    return [
      { name: `fetch-start ${name}`, atMs: at(r.startTime) },
      { name: `fetch-end ${name} ${r.transferSize || r.encodedBodySize} B`, atMs: at(r.responseEnd) },
    ];
  });
  return [
    ...performance.getEntriesByType('mark').map((m) => ({ name: m.name, atMs: at(m.startTime) })),
    ...fetches,
  ];
}

function isoOf(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}

function toManifestFile(f: CatalogFile): ManifestFile {
  return {
    table: f.table,
    path: f.path,
    rows: f.rows,
    bytes: f.bytes,
    min_time: isoOf(f.minUs),
    max_time: isoOf(f.maxUs),
  };
}

Comlink.expose(api);

// Started by app.html with the page URL in its name: open that source now, not when the app asks.
if (self.name.startsWith(BOOT_NAME_PREFIX)) {
  try {
    const { state } = parseViewState(new URL(self.name.slice(BOOT_NAME_PREFIX.length)).searchParams);
    const spec = remoteSourceSpec(state.src);
    if (spec) void open(spec, state);
  } catch {
    // A malformed name: the app opens the source itself.
  }
}
