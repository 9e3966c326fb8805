/**
 * The storage pipeline behind the receivers. The ack path only appends each request's body bytes
 * (as the client sent them, decompressed) to the WAL and waits for the group-commit fsync.
 * Everything else (decoding again, normalizing, DuckDB -> Parquet + manifest, compaction,
 * retention) runs on the materializer thread, fed with sealed segments. Back-pressure bounds the
 * WAL not yet in Parquet, in bytes and in items, so disk and replay time stay bounded when ingest
 * outpaces materialization.
 */
import { MAX_RETRY_AFTER_SECONDS } from '../pipeline-types.ts';
import type { IngestRequest, IngestResult, Pipeline, PipelineStats } from '../pipeline-types.ts';
import { lockDir } from './dir-lock.ts';
import type { DirLock } from './dir-lock.ts';
import { resolveConfig } from './config.ts';
import type { ResolvedConfig, StorageConfig } from './config.ts';
import { startMaterializerThread } from './materializer-thread.ts';
import type { MaterializerThread, ThreadEvents } from './materializer-thread.ts';
import { frameRecord, framedLength } from './wal-frame.ts';
import type { WalRecord } from './wal-frame.ts';
import { openWalWriter } from './wal-writer.ts';
import type { MaterializerConfig } from './worker-protocol.ts';

export type { StorageConfig } from './config.ts';

function materializerConfig(cfg: ResolvedConfig): MaterializerConfig {
  return {
    dataDir: cfg.dataDir,
    walDir: cfg.walDir,
    writerId: cfg.writerId,
    maxFlushBytes: cfg.maxFlushBytes,
    retentionDays: cfg.retentionDays,
    compaction: cfg.compaction,
    carryMaxAgeMs: cfg.carryMaxAgeMs,
    shutdownDrainMs: cfg.shutdownDrainMs,
    recent: cfg.recent,
    duckdb: cfg.duckdb,
    prices: cfg.prices,
  };
}

function itemCount(request: IngestRequest): number {
  if ('raw' in request) return request.items;
  return request.signal === 'traces' ? request.spans.length : request.logs.length;
}

/** The request as a WAL record: its own body when the receiver passed one. */
function walRecord(request: IngestRequest, items: number): WalRecord {
  if ('raw' in request) {
    const raw = request.raw;
    const body = Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.byteLength);
    return { signal: request.signal, encoding: raw.encoding, items, receivedMs: Date.now(), body };
  }
  // Callers inside the process (tests, tools) may hand over decoded objects only.
  const decoded = request.signal === 'traces' ? request.spans : request.logs;
  return {
    signal: request.signal,
    encoding: 'decoded',
    items,
    receivedMs: Date.now(),
    body: Buffer.from(JSON.stringify(decoded)),
  };
}

/**
 * Retry-After for a full backlog: about one flush interval, which frees room, but at most 5 s.
 * A long interval (600 s) told every sender to give up (see MAX_RETRY_AFTER_SECONDS).
 */
export function retryAfterSeconds(flushIntervalMs: number): number {
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(flushIntervalMs / 1000)));
}

export async function createPipeline(input: StorageConfig): Promise<Pipeline> {
  const resolved = await resolveConfig(input);
  if (!resolved.ok) throw new Error(`storage: ${resolved.error}`);
  const cfg = resolved.config;
  const locked = await lockDir(cfg.walDir, cfg.dataDir);
  if (!locked.ok) throw new Error(`storage: ${locked.error}`);
  if (locked.takenOver !== null) {
    cfg.logger.log('warn', 'storage.lock_taken_over', {
      previous_pid: locked.takenOver.pid,
      hint: 'the collector that held this data dir stopped without releasing it (killed?); what it acknowledged is replayed from the WAL',
    });
  }
  try {
    return await openLocked(cfg, locked.lock);
  } catch (err) {
    await locked.lock.release();
    throw err;
  }
}

/** Materializer log events that mean storage is failing (see PipelineStats.storageError). */
const STORAGE_FAILURES: ReadonlySet<string> = new Set(['storage.maintenance_failed']);
/** The storage failure only a WAL append that goes through clears (a flush says nothing of the WAL). */
const WAL_APPEND_FAILED = 'wal_append_failed';

async function openLocked(cfg: ResolvedConfig, lock: DirLock): Promise<Pipeline> {
  const log = cfg.logger;

  /** Bytes and items appended per WAL segment and not yet materialized. */
  const pending = new Map<number, { bytes: number; items: number }>();
  let walCommitted = 0;
  let inFlight = { bytes: 0, items: 0 };
  const stats: PipelineStats = {
    spansReceived: 0,
    logsReceived: 0,
    spansWritten: 0,
    messagesWritten: 0,
    itemsSetAside: 0,
    spansDuplicate: 0,
    queueDepth: 0,
    walBytes: 0,
    lastFlushMs: 0,
    flushes: 0,
    storageError: null,
  };
  let closing = false;
  const failed = (event: string, error: unknown): void => {
    const text = error instanceof Error ? error.message : String(error);
    stats.storageError = { at: new Date().toISOString(), event, error: text.split('\n')[0] ?? text };
  };

  const events: ThreadEvents = {
    // The thread's errors are storage failing (a full disk, a data dir gone): health reports them.
    logger: {
      log(level, event, fields = {}) {
        if (level === 'error' && STORAGE_FAILURES.has(event)) failed(event, fields.error);
        log.log(level, event, fields);
      },
    },
    committed(message) {
      // A flush that went through says Parquet works again; only a WAL append says the WAL does.
      if (stats.storageError?.event !== WAL_APPEND_FAILED) stats.storageError = null;
      walCommitted = Math.max(walCommitted, message.walCommitted);
      for (const seq of pending.keys()) if (seq <= walCommitted) pending.delete(seq);
      stats.spansWritten += message.spans;
      stats.messagesWritten += message.messages;
      stats.itemsSetAside += message.setAside;
      stats.spansDuplicate += message.duplicates;
      stats.flushes++;
      stats.lastFlushMs = message.ms;
    },
    crashed(error) {
      log.log('error', 'storage.materializer_crashed', { error });
      failed('storage.materializer_crashed', error);
      // Everything it had not committed is still in the WAL; a new thread picks it up.
      restarting = startMaterializerThread(
        { config: materializerConfig(cfg), repairWal: false, sealedUpTo: sealedUpTo() },
        events,
      ).then(
        (next) => {
          thread = next;
        },
        (err: unknown) => {
          log.log('error', 'storage.materializer_restart_failed', { error: String(err) });
          failed('storage.materializer_restart_failed', err);
        },
      );
    },
  };

  let thread: MaterializerThread = await startMaterializerThread(
    { config: materializerConfig(cfg), repairWal: true, sealedUpTo: 0 },
    events,
  );
  let restarting: Promise<void> = Promise.resolve();
  walCommitted = thread.started.walCommitted;
  for (const p of thread.started.pending) pending.set(p.seq, { bytes: p.bytes, items: p.items });

  let wal;
  try {
    wal = await openWalWriter(cfg.walDir, thread.started.nextSeq);
  } catch (err) {
    await thread.close(0).catch(() => undefined);
    throw err;
  }
  const walWriter = wal;
  /** Every segment before the one open for appends is sealed: all its writes completed. */
  const sealedUpTo = (): number => walWriter.lastSeq() - 1;

  function backlog(): { bytes: number; items: number } {
    let { bytes, items } = inFlight;
    for (const p of pending.values()) {
      bytes += p.bytes;
      items += p.items;
    }
    return { bytes, items };
  }

  let rotating = false;
  function seal(): void {
    if (rotating) return;
    rotating = true;
    walWriter
      .rotate()
      .then(
        () => thread.sealed(sealedUpTo()),
        (err: unknown) => log.log('error', 'storage.wal_rotate_failed', { error: String(err) }),
      )
      .finally(() => {
        rotating = false;
      });
  }

  const timer = setInterval(() => {
    if (walWriter.activeItems() > 0) seal();
    // Also lets the materializer retry a failed flush and write carried messages that are due.
    else thread.sealed(sealedUpTo());
  }, cfg.flushIntervalMs);
  timer.unref();

  return {
    async ingest(request: IngestRequest): Promise<IngestResult> {
      if (closing) return { ok: false, reason: 'closing' };
      const count = itemCount(request);
      if (count === 0) return { ok: true, accepted: 0 };
      const record = walRecord(request, count);
      const bytes = framedLength(record.body.length);
      const queued = backlog();
      // With nothing queued a request is taken whatever its size (--max-body bounds it): refusing
      // it would have its exporter retry forever.
      const full = queued.items + count > cfg.maxQueueSpans || queued.bytes + bytes > cfg.maxBacklogBytes;
      if (full && queued.items > 0) {
        if (walWriter.activeItems() > 0) seal();
        return {
          ok: false,
          reason: 'overloaded',
          retryAfterSeconds: retryAfterSeconds(cfg.flushIntervalMs),
        };
      }
      inFlight = { bytes: inFlight.bytes + bytes, items: inFlight.items + count };
      let seq: number;
      try {
        seq = await walWriter.append(frameRecord(record), count);
      } catch (err) {
        failed(WAL_APPEND_FAILED, err);
        throw err;
      } finally {
        inFlight = { bytes: inFlight.bytes - bytes, items: inFlight.items - count };
      }
      if (stats.storageError?.event === WAL_APPEND_FAILED) stats.storageError = null;
      // Counted once durable: a request the WAL could not take was answered 500, not received.
      if (request.signal === 'traces') stats.spansReceived += count;
      else stats.logsReceived += count;
      if (seq > walCommitted) {
        const p = pending.get(seq) ?? { bytes: 0, items: 0 };
        pending.set(seq, { bytes: p.bytes + bytes, items: p.items + count });
      }
      // Seal now, not at the next tick: segments stay small and each flush reads a bounded batch.
      if (walWriter.activeItems() >= cfg.flushSpans || walWriter.activeBytes() >= cfg.segmentBytes) seal();
      return { ok: true, accepted: count };
    },

    async flush() {
      if (walWriter.activeItems() > 0) await walWriter.rotate();
      await restarting;
      await thread.flush(sealedUpTo());
    },

    async close() {
      if (closing) return;
      closing = true;
      clearInterval(timer);
      await walWriter.close();
      await restarting;
      try {
        await thread.close(walWriter.lastSeq());
      } finally {
        await lock.release();
      }
    },

    stats() {
      const queued = backlog();
      return { ...stats, queueDepth: queued.items, walBytes: queued.bytes };
    },
  };
}
