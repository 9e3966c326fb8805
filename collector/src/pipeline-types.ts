/**
 * The seam between the receivers (HTTP and gRPC: decoding, auth, limits, OTLP responses) and the
 * storage pipeline (normalize, durable log, Parquet, manifest). Receivers never touch storage
 * directly; storage never sees HTTP.
 */
import type { OtlpLogRecord, OtlpSpan } from '@parley/shared/otlp';

/**
 * The longest Retry-After any refusal gives: OpenTelemetry JS drops a batch whose Retry-After ends
 * past its export timeout (10 s by default), so a longer wait loses the batch it meant to save.
 */
export const MAX_RETRY_AFTER_SECONDS = 5;

/**
 * The request body as received (after Content-Encoding is undone), which the pipeline logs
 * instead of re-encoding the decoded items; decoding it again must give the same items.
 */
export interface RawBody {
  body: Uint8Array;
  encoding: 'protobuf' | 'json';
}

/**
 * Decoded items, which the pipeline logs as they are (tests, tools); or a body as received, which
 * it logs instead, with the number of spans or log records the receiver decoded from it.
 */
export type IngestRequest =
  | { signal: 'traces'; spans: OtlpSpan[] }
  | { signal: 'logs'; logs: OtlpLogRecord[] }
  | { signal: 'traces' | 'logs'; raw: RawBody; items: number };

export type IngestResult =
  /** Everything given is durably logged (fsynced) and will reach Parquet exactly once. */
  | { ok: true; accepted: number }
  /** Back-pressure: nothing of this request was accepted; the client should retry later. */
  | { ok: false; reason: 'overloaded'; retryAfterSeconds: number }
  /** Shutting down: nothing accepted. */
  | { ok: false; reason: 'closing' };

export interface PipelineStats {
  spansReceived: number;
  logsReceived: number;
  spansWritten: number;
  messagesWritten: number;
  /** Spans and log records the normalizer failed on, kept in `_wal/set-aside/` instead of Parquet. */
  itemsSetAside: number;
  /** Spans not written because the same trace and span id was written already (a retried export). */
  spansDuplicate: number;
  queueDepth: number;
  walBytes: number;
  lastFlushMs: number;
  flushes: number;
  /**
   * The last storage failure (a WAL append, a flush, compaction, the materializer thread) since
   * storage last worked (a WAL append or a flush that went through); null while healthy.
   */
  storageError: { at: string; event: string; error: string } | null;
}

export interface Pipeline {
  /** Resolves once the request is durable; only then may the receiver acknowledge it. */
  ingest(request: IngestRequest): Promise<IngestResult>;
  /** Write everything logged so far to Parquet and the manifest. */
  flush(): Promise<void>;
  /** Stop accepting, flush, release resources. */
  close(): Promise<void>;
  stats(): PipelineStats;
}
