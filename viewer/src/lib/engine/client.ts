/**
 * The UI's handle on the data worker. The worker (and DuckDB inside it) starts on first use.
 * With `?engine-debug` in the page URL (benchmarks, browser checks), the handle is also exposed as
 * window.__parleyEngine.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from './api.ts';

let engine: Comlink.Remote<EngineApi> | null = null;

export function getEngine(): Comlink.Remote<EngineApi> {
  if (!engine) {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'parley-data',
    });
    engine = Comlink.wrap<EngineApi>(worker);
    const g = globalThis as typeof globalThis & { __parleyEngine?: unknown; location?: Location };
    if (g.location && new URLSearchParams(g.location.search).has('engine-debug')) g.__parleyEngine = engine;
  }
  return engine;
}
