/**
 * The data worker's interface, as the UI sees it through comlink. Only page-sized results cross
 * the worker boundary. Every query carries a requestId; a superseded request is cancelled or its
 * result comes back as { ok: false, error: { kind: 'cancelled' } } and is dropped by the caller.
 */
import type { TableName } from '@parley/shared/schema';
import type { ModelCount, SessionDetail, SessionsPage, TimeSeries, ViewState } from '@parley/shared/view';
import type { SpanRaw, SpanRef } from './span-raw.ts';

export type { SpanRaw, SpanRef };

export type SourceSpec =
  /** The collector that serves this app: its /data/manifest.json. */
  | { kind: 'collector' }
  /** A snapshot root, a manifest.json URL, or a single Parquet URL. */
  | { kind: 'url'; url: string }
  /** Files the user dropped or picked (Parquet files or a snapshot folder with its manifest). */
  | { kind: 'files'; files: File[] };

export type EngineErrorKind =
  | 'unreachable'
  /**
   * Nothing at /data/manifest.json of the page's own host (404, or a static host's HTML
   * fallback): the viewer is deployed as static files, with no collector behind it.
   */
  | 'no-collector'
  /** The server answered, with an HTTP error status (see `status`). */
  | 'http-status'
  | 'cors'
  | 'not-parquet'
  | 'schema-too-new'
  | 'bad-manifest'
  /** A file the opened manifest names is missing (compaction, retention, an incomplete copy). */
  | 'source-changed'
  /** Files a picked snapshot's manifest lists were not picked with it. */
  | 'missing-files'
  | 'query-failed'
  /** The browser's query engine (WebAssembly) ran out of memory: the files are too big for it. */
  | 'out-of-memory'
  /** DuckDB-WASM could not be started: its code did not come from the page's host. */
  | 'engine-unavailable'
  /** The source has no session with the key asked for (a link to data it does not hold). */
  | 'not-found'
  | 'cancelled';

export interface EngineError {
  kind: EngineErrorKind;
  message: string;
  /** The HTTP status, for 'http-status'. */
  status?: number;
}

export type Result<T> = { ok: true; value: T; queryMs: number } | { ok: false; error: EngineError };

export interface SourceInfo {
  label: string;
  shareable: boolean;
  files: number;
  /** Files per table: a copy may lack a whole table (only sessions/, only messages/). */
  tables: Record<TableName, number>;
  totalBytes: number;
  schemaVersion: number;
  /** Data extent, µs; null when empty. */
  minUs: number | null;
  maxUs: number | null;
  /** Picked files left out, each with why (not readable Parquet tables). */
  skipped: readonly string[];
}

export interface Progress {
  phase: 'engine' | 'manifest' | 'fetch' | 'load' | 'query';
  message: string;
  bytesFetched: number;
  bytesTotal: number | null;
}

/** How a remote source's manifest now differs from the one that was opened. */
export interface SourceCheck {
  /** Span and message rows added since (negative when retention removed more). */
  rowsAdded: number;
  /** Its files differ (new files, or compaction and retention replaced some). */
  filesChanged: boolean;
}

/** A cold-start step: name and wall-clock time (ms since the epoch, sub-millisecond). */
export interface Mark {
  name: string;
  atMs: number;
}

export interface EngineApi {
  /**
   * Opens a source; opening the same URL or collector source again while it is open reuses it.
   * `hint`: the view about to be shown, so reading what its first page needs starts at once.
   * `fresh`: read it anew even if it is open (a refresh: its manifest has moved on).
   */
  open(source: SourceSpec, hint?: ViewState, fresh?: boolean): Promise<Result<SourceInfo>>;
  /**
   * Reads the open source's manifest again and compares it with the one opened; null for sources
   * that cannot change under the viewer (dropped files, a single Parquet URL).
   */
  checkSource(): Promise<Result<SourceCheck | null>>;
  sessionsPage(view: ViewState, requestId: number): Promise<Result<SessionsPage>>;
  models(view: ViewState, requestId: number): Promise<Result<ModelCount[]>>;
  timeseries(view: ViewState, requestId: number): Promise<Result<TimeSeries>>;
  session(key: string, view: ViewState, requestId: number): Promise<Result<SessionDetail>>;
  /**
   * What the instrumentation sent for one call of an open conversation (its span's raw columns,
   * which the session's read leaves out); 'not-found' when no span file holds it.
   */
  spanRaw(ref: SpanRef): Promise<Result<SpanRaw>>;
  /** Filtered sessions (all pages) as CSV text or Parquet bytes, built in the worker. */
  exportSessions(view: ViewState, format: 'csv' | 'parquet'): Promise<Result<Uint8Array>>;
  /** SQL for the current view, runnable in the DuckDB CLI against the same snapshot. */
  sqlFor(view: ViewState): Promise<string>;
  cancel(requestId: number): Promise<void>;
  /** Register a progress listener (a comlink proxy). */
  onProgress(listener: (p: Progress) => void): Promise<void>;
  /** Bytes fetched over HTTP since open (for the loading UI and the benchmark). */
  bytesFetched(): Promise<number>;
  /**
   * The UI has painted its first page: DuckDB's compile, which waits for that, may take the CPU.
   * (Without this call it starts when a query needs it, or shortly after the first page.)
   */
  shown(): Promise<void>;
  /** The worker's performance marks (engine start, manifest, summaries, first page). */
  timeline(): Promise<Mark[]>;
}
