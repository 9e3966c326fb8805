/**
 * Messages between the pipeline (main thread: receivers, WAL appends, acks) and the materializer
 * thread (decode again, normalize, DuckDB -> Parquet + manifest, compaction, retention). Plain
 * data only: they cross a worker_threads boundary by structured clone.
 */
import type { LogLevel } from '../log.ts';
import type { ResolvedConfig } from './config.ts';

/** The part of the storage configuration the materializer needs. */
export type MaterializerConfig = Omit<
  ResolvedConfig,
  'logger' | 'flushSpans' | 'flushIntervalMs' | 'maxQueueSpans' | 'maxBacklogBytes' | 'segmentBytes'
>;

export interface StartOptions {
  config: MaterializerConfig;
  /**
   * True at process start: truncate torn WAL tails and report what is pending. False when the
   * thread is restarted while the main thread appends: the active segment is then not torn.
   */
  repairWal: boolean;
  /** WAL segments up to this sequence are sealed and may be materialized. */
  sealedUpTo: number;
}

export type ToMaterializer =
  | { type: 'start'; options: StartOptions }
  /** More is sealed, or the flush timer fired: flush what is due. */
  | { type: 'sealed'; upTo: number }
  /** Write everything up to `upTo` now, carried messages included. */
  | { type: 'flush'; id: number; upTo: number }
  /** Final flush, then release DuckDB. */
  | { type: 'close'; id: number; upTo: number };

export interface PendingSegmentInfo {
  seq: number;
  bytes: number;
  items: number;
}

export type FromMaterializer =
  | {
      type: 'started';
      nextSeq: number;
      walCommitted: number;
      pending: PendingSegmentInfo[];
    }
  | { type: 'start_failed'; error: string }
  /** The manifest now lists everything in WAL segments up to `walCommitted`. */
  | {
      type: 'committed';
      walCommitted: number;
      spans: number;
      messages: number;
      /** Spans and log records set aside (see set-aside.ts) by the committed group. */
      setAside: number;
      /** Spans dropped as copies of spans already written or read (see call-completion.ts, normalizeBatch). */
      duplicates: number;
      ms: number;
    }
  | { type: 'log'; level: LogLevel; event: string; fields: Record<string, unknown> }
  | { type: 'done'; id: number; error: string | null };
