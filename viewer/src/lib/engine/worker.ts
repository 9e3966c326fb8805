/**
 * The data worker: DuckDB-WASM plus a Parquet reader behind comlink (EngineApi). Requests carry an
 * id; a newer request of the same purpose supersedes the older one, whose result comes back as
 * { ok: false, error: { kind: 'cancelled' } }, so results are never shown out of order.
 */
import * as Comlink from 'comlink';
import { buildSessionDetail } from '@parley/shared/conversation';
import { sessionCalls, sessionMessages } from '@parley/shared/sql/session';
import { modelCounts, sessionsAll, sessionsPage } from '@parley/shared/sql/sessions';
import { sqlForCli } from '@parley/shared/sql/cli';
import { summaryTimeseries } from '@parley/shared/sql/summary-timeseries';
import {
  mapCalls,
  mapMessages,
  mapModelCounts,
  mapSessionsPage,
  mapTimeBuckets,
} from '@parley/shared/sql/rows';
import type { ManifestFile } from '@parley/shared/manifest';
import type { SqlQuery } from '@parley/shared/sql/query';
import type { SessionListRow, ViewState } from '@parley/shared/view';
import type { EngineApi, Progress, Result, SourceInfo, SourceSpec } from './api.ts';
import type { FetchCounter } from './byte-source.ts';
import { sessionsCsv } from './csv.ts';
import { queryRows, resetTables, startDuck, type Duck } from './duck.ts';
import { CANCELLED, fail, toEngineError } from './errors.ts';
import { startParquetWasm } from './arrow-load.ts';
import { sessionsParquet } from './export-parquet.ts';
import { createLoader, type Loader } from './loader.ts';
import type { CatalogFile } from './manifest.ts';
import { openSource, type OpenedSource } from './source.ts';
import { loadRange } from './time-range.ts';

type Purpose = 'sessionsPage' | 'models' | 'timeseries' | 'session';

interface Opened {
  source: OpenedSource;
  loader: Loader;
  /** DuckDB with this source's (empty, then loaded) tables. */
  duck: Promise<Duck>;
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

void startParquetWasm().catch(() => undefined);
const duckReady: Promise<Duck> = (async () => {
  emit('engine', 'Starting the query engine');
  const duck = await startDuck();
  emit('engine', 'Query engine ready');
  return duck;
})();

let generation = 0;
let current: Promise<Opened | null> = Promise.resolve(null);
const latest = new Map<Purpose, number>();
const cancelled = new Set<number>();

const nowUs = (): number => Date.now() * 1000;
/** Page queries read the rollup table the loader builds over the loaded summaries. */
const ROLLUP = { rollup: true };

async function open(spec: SourceSpec): Promise<Result<SourceInfo>> {
  const gen = ++generation;
  const t0 = performance.now();
  counter.bytes = 0;
  const opening = (async (): Promise<Opened> => {
    emit('manifest', 'Reading the source');
    // DuckDB may still be starting: the manifest and Parquet reads go ahead meanwhile.
    const source = await openSource(spec, self.location.origin, counter);
    bytesTotal = source.files.reduce((n, f) => n + f.bytes, 0);
    const duck = duckReady.then(async (d) => {
      if (gen === generation) await resetTables(d);
      return d;
    });
    return {
      source,
      duck,
      loader: createLoader(source, duck, () => gen === generation, { load: (m) => emit('load', m) }),
    };
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
        totalBytes: source.files.reduce((n, f) => n + f.bytes, 0),
        schemaVersion: source.schemaVersion,
        minUs: extent?.minUs ?? null,
        maxUs: extent?.maxUs ?? null,
      },
    };
  } catch (err) {
    return gen === generation ? { ok: false, error: toEngineError(err) } : CANCELLED;
  }
}

/** Runs one request: waits for the source, stops early when superseded, times the work. */
async function request<T>(
  purpose: Purpose | null,
  requestId: number,
  work: (o: Opened, stale: () => boolean) => Promise<T>,
): Promise<Result<T>> {
  if (purpose) latest.set(purpose, requestId);
  const gen = generation;
  const stale = (): boolean =>
    gen !== generation || cancelled.has(requestId) || (purpose !== null && latest.get(purpose) !== requestId);
  const t0 = performance.now();
  try {
    const opened = await current;
    if (stale()) return CANCELLED;
    if (!opened) return fail('query-failed', 'No data source is open.');
    const value = await work(opened, stale);
    if (stale()) return CANCELLED;
    const queryMs = performance.now() - t0;
    emit('query', `Query took ${Math.round(queryMs)} ms`);
    return { ok: true, value, queryMs };
  } catch (err) {
    return stale() ? CANCELLED : { ok: false, error: toEngineError(err) };
  } finally {
    cancelled.delete(requestId);
  }
}

/** Runs a query once DuckDB is up (loading may have gone ahead while it started). */
async function run(o: Opened, q: SqlQuery, stale: () => boolean): Promise<Record<string, unknown>[]> {
  const duck = await o.duck;
  if (stale()) throw new Error('superseded');
  return queryRows(duck, q.sql, q.params);
}

async function allSessions(o: Opened, view: ViewState, stale: () => boolean): Promise<SessionListRow[]> {
  await o.loader.ensureSummaries(loadRange(view.time, nowUs()));
  return mapSessionsPage(await run(o, sessionsAll(view, nowUs(), ROLLUP), stale)).rows;
}

const api: EngineApi = {
  open,
  sessionsPage: (view, id) =>
    request('sessionsPage', id, async (o, stale) => {
      await o.loader.ensureSummaries(loadRange(view.time, nowUs()));
      return mapSessionsPage(await run(o, sessionsPage(view, nowUs(), ROLLUP), stale));
    }),
  models: (view, id) =>
    request('models', id, async (o, stale) => {
      await o.loader.ensureSummaries(loadRange(view.time, nowUs()));
      return mapModelCounts(await run(o, modelCounts(view, nowUs(), ROLLUP), stale));
    }),
  timeseries: (view, id) =>
    request('timeseries', id, async (o, stale) => {
      await o.loader.ensureSummaries(loadRange(view.time, nowUs()));
      return mapTimeBuckets(await run(o, summaryTimeseries(view, nowUs(), o.loader.extent()), stale));
    }),
  session: (key, _view, id) =>
    request('session', id, async (o, stale) => {
      await o.loader.ensureSession(key);
      const [calls, messages] = [
        await run(o, sessionCalls(key), stale),
        await run(o, sessionMessages(key), stale),
      ];
      if (calls.length === 0 && messages.length === 0) throw new Error(`No session "${key}" in this source.`);
      return buildSessionDetail(key, mapCalls(calls), mapMessages(messages));
    }),
  exportSessions: async (view, format) => {
    const result = await request(null, -1, async (o, stale) => {
      const rows = await allSessions(o, view, stale);
      return format === 'csv' ? new TextEncoder().encode(sessionsCsv(rows)) : sessionsParquet(rows);
    });
    return result.ok ? Comlink.transfer(result, [result.value.buffer]) : result;
  },
  sqlFor: async (view) => {
    const opened = await current;
    const root = opened?.source.baseUrl ?? '.';
    const files = opened?.source.baseUrl ? opened.source.files.map(toManifestFile) : undefined;
    return sqlForCli(view, nowUs(), root, files);
  },
  cancel: async (id) => {
    cancelled.add(id);
  },
  onProgress: async (listener) => {
    listeners.push(listener);
  },
  bytesFetched: async () => counter.bytes,
};

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
