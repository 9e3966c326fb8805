/**
 * Reactive bridge between the URL-derived view and the data worker. Each result channel keeps
 * only the latest request: a superseded one is cancelled in the worker and its answer dropped
 * here, so results never show out of order.
 */
import { proxy, type Remote } from 'comlink';
import { tick } from 'svelte';
import type { ModelCount, SessionDetail, SessionsPage, TimeSeries, ViewState } from '@parley/shared/view';
import type {
  EngineApi,
  EngineError,
  EngineErrorKind,
  Progress,
  Result,
  SourceInfo,
  SourceSpec,
} from './engine/api.ts';

export type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading'; since: number }
  | { status: 'ready'; value: T; queryMs: number }
  | { status: 'error'; error: EngineError };

/**
 * Local files are not in the URL (they cannot be shared); they live here for this tab. The list is
 * raw state: Files must reach the worker as themselves, not as reactive proxies (not cloneable).
 */
class LocalFiles {
  files: File[] = [];
  /** Bumped on every pick, so the same 'local:' URL reopens with the new files. */
  generation = $state(0);
}
export const localFiles = new LocalFiles();

export function setLocalFiles(files: File[]): void {
  localFiles.files = files;
  localFiles.generation++;
}

function sourceSpec(src: string): { ok: true; spec: SourceSpec } | { ok: false; error: EngineError } {
  if (src === '') return { ok: true, spec: { kind: 'collector' } };
  if (src !== 'local:') return { ok: true, spec: { kind: 'url', url: src } };
  if (localFiles.files.length > 0) return { ok: true, spec: { kind: 'files', files: localFiles.files } };
  return {
    ok: false,
    error: {
      kind: 'unreachable',
      message:
        'This link points at local files, which are never part of a URL. Drop or pick the Parquet files (or snapshot folder) again.',
    },
  };
}

/** The call's Result, a thrown error (a dead worker, an uncloneable value) made a failed one. */
async function settle<T>(call: () => Promise<Result<T>>, kind: EngineErrorKind): Promise<Result<T>> {
  try {
    return await call();
  } catch (e) {
    return { ok: false, error: { kind, message: e instanceof Error ? e.message : String(e) } };
  }
}

function loadable<T>(result: Result<T>): Loadable<T> {
  return result.ok
    ? { status: 'ready', value: result.value, queryMs: result.queryMs }
    : { status: 'error', error: result.error };
}

/** What every channel of a workspace shares. */
interface ChannelContext {
  engine: Remote<EngineApi>;
  nextId: () => number;
  /**
   * A file a request needed is gone. The shown result stays, marked pending, until the refreshed
   * source answers again, or until `showError` is called (nothing to refresh).
   */
  sourceChanged: (showError: () => void) => void;
}

class Channel<T> {
  /**
   * Raw: a result is replaced whole, never changed in place, so its rows need no deep proxies (a
   * proxy and a signal per field read, ~50 rows of a page or a whole conversation at a time).
   */
  state = $state.raw<Loadable<T>>({ status: 'idle' });
  /** A newer request is in flight; the shown result may be stale. */
  pending = $state(false);
  #current = 0;
  readonly #ctx: ChannelContext;

  constructor(ctx: ChannelContext) {
    this.#ctx = ctx;
  }

  async run(call: (id: number) => Promise<Result<T>>) {
    const { engine, nextId, sourceChanged } = this.#ctx;
    const previous = this.#current;
    const id = nextId();
    this.#current = id;
    if (previous !== 0) void engine.cancel(previous);
    // Keep showing the previous result while the next one loads (calm, no flashing); mark it stale.
    if (this.state.status !== 'ready') this.state = { status: 'loading', since: performance.now() };
    this.pending = true;
    const result = await settle(() => call(id), 'query-failed');
    if (id !== this.#current) return;
    if (!result.ok && result.error.kind === 'source-changed') {
      sourceChanged(() => {
        if (id !== this.#current) return;
        this.pending = false;
        this.state = loadable(result);
      });
      return;
    }
    this.pending = false;
    if (result.ok || result.error.kind !== 'cancelled') this.state = loadable(result);
  }

  clear() {
    this.#current = 0;
    this.pending = false;
    this.state = { status: 'idle' };
  }
}

export class Workspace {
  readonly engine: Remote<EngineApi>;
  progress = $state.raw<Progress | null>(null);
  source = $state.raw<Loadable<SourceInfo>>({ status: 'idle' });
  readonly page: Channel<SessionsPage>;
  readonly models: Channel<ModelCount[]>;
  readonly series: Channel<TimeSeries>;
  readonly detail: Channel<SessionDetail>;
  /** Bumped when the open source was read anew: every shown result is asked for again. */
  revision = $state(0);
  refreshing = $state(false);
  /** Why the last refresh or check could not read the source: the results shown are from before. */
  refreshError = $state.raw<EngineError | null>(null);
  /** Rows the source gained since it was opened, as the last check saw them. */
  newRows = $state(0);
  #src = '';
  #requestSeq = 0;
  #openSeq = 0;
  #shown = false;
  #nextId = () => ++this.#requestSeq;
  /**
   * A file the open manifest names is gone. If the manifest moved on (compaction, retention), the
   * source is read anew; if not, the snapshot itself lacks the file and the error is shown (a
   * refresh would meet it again, and again).
   */
  #sourceChanged = (showError: () => void): void => {
    this.engine
      .checkSource()
      .then((r) => (r.ok && r.value?.filesChanged ? void this.refresh() : showError()), showError);
  };

  constructor(engine: Remote<EngineApi>) {
    this.engine = engine;
    const ctx: ChannelContext = { engine, nextId: this.#nextId, sourceChanged: this.#sourceChanged };
    this.page = new Channel(ctx);
    this.models = new Channel(ctx);
    this.series = new Channel(ctx);
    this.detail = new Channel(ctx);
    void engine.onProgress(proxy((p: Progress) => (this.progress = p)));
  }

  async open(src: string): Promise<void> {
    const openId = ++this.#openSeq;
    this.#src = src;
    this.newRows = 0;
    this.refreshing = false;
    this.refreshError = null;
    for (const c of [this.page, this.models, this.series, this.detail]) c.clear();
    const resolved = sourceSpec(src);
    if (!resolved.ok) {
      this.source = { status: 'error', error: resolved.error };
      return;
    }
    this.source = { status: 'loading', since: performance.now() };
    performance.mark('app:open');
    const result = await settle(() => this.engine.open(resolved.spec), 'unreachable');
    if (openId !== this.#openSeq) return;
    performance.mark('app:source-ready');
    this.source = loadable(result);
  }

  /**
   * Reads the open source anew (its manifest moved on) while the shown results stay; once it is
   * open, `revision` changes and the page asks for every result again. `hint`: the view shown.
   * If it cannot be read (the collector away for a moment), the source open stays, and
   * `refreshError` says why.
   */
  async refresh(hint?: ViewState): Promise<void> {
    const resolved = sourceSpec(this.#src);
    if (this.refreshing || this.source.status !== 'ready' || !resolved.ok) return;
    const openId = this.#openSeq;
    this.refreshing = true;
    const result = await settle(() => this.engine.open(resolved.spec, hint, true), 'unreachable');
    // A source opened meanwhile supersedes this refresh.
    if (openId !== this.#openSeq) return;
    this.refreshing = false;
    if (!result.ok) {
      if (result.error.kind !== 'cancelled') this.refreshError = result.error;
      return;
    }
    this.refreshError = null;
    this.newRows = 0;
    this.source = loadable(result);
    this.revision++;
  }

  /**
   * Asks whether the open source gained rows since it was opened (remote manifests only); a check
   * that cannot read it sets `refreshError`, the next that can clears it.
   */
  async check(): Promise<void> {
    if (this.source.status !== 'ready' || this.refreshing) return;
    const openId = this.#openSeq;
    const result = await this.engine.checkSource().catch(() => null);
    if (openId !== this.#openSeq || this.refreshing || result === null) return;
    if (!result.ok) {
      if (result.error.kind !== 'cancelled') this.refreshError = result.error;
      return;
    }
    this.refreshError = null;
    if (result.value) this.newRows = Math.max(0, result.value.rowsAdded);
  }

  queryList(view: ViewState): void {
    void this.page
      .run(async (id) => {
        const result = await this.engine.sessionsPage(view, id);
        performance.mark('app:page-result');
        return result;
      })
      .then(() => this.#firstPageShown());
  }

  /** After the first page is painted, the engine may start its heavy background work. */
  async #firstPageShown(): Promise<void> {
    if (this.#shown || this.page.state.status === 'loading') return;
    this.#shown = true;
    await tick();
    requestAnimationFrame(() => setTimeout(() => void this.engine.shown(), 0));
  }

  queryFilters(view: ViewState): void {
    void this.models.run((id) => this.engine.models(view, id));
    void this.series.run((id) => this.engine.timeseries(view, id));
  }

  querySession(view: ViewState): void {
    if (view.session === '') {
      this.detail.clear();
      return;
    }
    void this.detail.run((id) => this.engine.session(view.session, view, id));
  }
}
