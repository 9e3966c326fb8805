/**
 * The UI's handle on the data worker. app.html starts the worker before the app's code loads
 * (window.__parleyWorker), and the worker opens the source the page URL names by itself; this
 * module adopts that worker, or starts one (tests, harness pages).
 * With `?engine-debug` in the page URL (benchmarks, browser checks), the handle is also exposed as
 * window.__parleyEngine.
 */
import * as Comlink from 'comlink';
import { parseViewState } from '@parley/shared/url-state';
import type { EngineApi } from './api.ts';
import { remoteSourceSpec } from './source-spec.ts';

let engine: Comlink.Remote<EngineApi> | null = null;

type Globals = typeof globalThis & { __parleyEngine?: unknown; __parleyWorker?: Worker; location?: Location };

export function getEngine(): Comlink.Remote<EngineApi> {
  if (!engine) {
    const g = globalThis as Globals;
    const worker =
      g.__parleyWorker ??
      new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'parley-data' });
    engine = Comlink.wrap<EngineApi>(worker);
    if (g.location && new URLSearchParams(g.location.search).has('engine-debug')) g.__parleyEngine = engine;
  }
  return engine;
}

/**
 * Starts the worker if app.html did not, and opens the source the URL names with its view as a
 * hint, so the manifest and the first page's data are read while the app loads. (A worker started
 * by app.html has done so already; this open then reuses that one, as does the app's own.)
 */
export function startEngine(href: string): void {
  performance.mark('app:engine-start');
  const e = getEngine();
  const { state } = parseViewState(new URL(href).searchParams);
  const spec = remoteSourceSpec(state.src);
  if (spec) void e.open(spec, state).catch(() => undefined);
}
