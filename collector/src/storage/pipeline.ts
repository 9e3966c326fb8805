/**
 * The storage pipeline behind the receivers: normalize -> WAL (fsync, then ack) -> Parquet +
 * manifest. Flushes, compaction and retention run one at a time on a single maintenance chain;
 * ingest only appends to the WAL and never waits for them.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '@parley/shared/manifest';
import type { IngestRequest, IngestResult, Pipeline, PipelineStats } from '../pipeline-types.ts';
import { planCompaction, mergePartition, replaceFiles } from './compaction.ts';
import { resolveConfig } from './config.ts';
import type { ResolvedConfig, StorageConfig } from './config.ts';
import { openDuck } from './duck.ts';
import type { Duck } from './duck.ts';
import { removeDataFile, removeIfExists } from './durable-fs.ts';
import { loadManifest, saveManifest, withWriterState, writerState } from './manifest-store.ts';
import type { WriterState } from './manifest-store.ts';
import { materialize } from './materialize.ts';
import type { WriteTarget } from './partition-writer.ts';
import { createRecentTables, seedFromParquet } from './recent-spans.ts';
import { recover } from './recovery.ts';
import { expiredFiles } from './retention.ts';
import { encodeRows } from './wal-record.ts';
import { listSegments, segmentPath } from './wal-segments.ts';
import type { Segment } from './wal-segments.ts';
import { openWalWriter } from './wal-writer.ts';
import type { WalWriter } from './wal-writer.ts';

export type { StorageConfig } from './config.ts';

const RETENTION_EVERY_MS = 60_000;

export async function createPipeline(input: StorageConfig): Promise<Pipeline> {
  const resolved = await resolveConfig(input);
  if (!resolved.ok) throw new Error(`storage: ${resolved.error}`);
  const cfg = resolved.config;
  const loaded = await loadManifest(cfg.dataDir);
  if (!loaded.ok) throw new Error(`storage: ${loaded.error}`);
  const duck = await openDuck(cfg.duckdb);
  try {
    return await start(cfg, loaded.manifest, duck);
  } catch (err) {
    duck.close();
    throw err;
  }
}

async function start(cfg: ResolvedConfig, initial: Manifest, duck: Duck): Promise<Pipeline> {
  const log = cfg.logger;
  let manifest = initial;
  let state: WriterState = writerState(manifest, cfg.writerId);

  const recovered = await recover(cfg.dataDir, cfg.walDir, cfg.writerId, manifest, state);
  if (recovered.orphanFiles > 0 || recovered.tornBytes > 0 || recovered.pending.length > 0) {
    log.log('info', 'storage.recovery', {
      orphan_files_removed: recovered.orphanFiles,
      torn_bytes_truncated: recovered.tornBytes,
      segments_to_replay: recovered.pending.length,
    });
  }
  await createRecentTables(duck);
  await seedRecent();

  const wal: WalWriter = await openWalWriter(cfg.walDir, recovered.nextSeq);
  /** Rows and bytes appended per ingest segment and not yet materialized (queue depth, WAL size). */
  const pending = new Map<number, { rows: number; bytes: number }>();
  let inFlightRows = 0;
  const stats: PipelineStats = {
    spansReceived: 0,
    logsReceived: 0,
    spansWritten: 0,
    messagesWritten: 0,
    queueDepth: 0,
    walBytes: 0,
    lastFlushMs: 0,
    flushes: 0,
  };
  let closing = false;
  let chain: Promise<void> = Promise.resolve();
  let flushQueued = false;
  let rotating = false;
  let lastRetention = 0;
  // Increasing across restarts too (carried messages keep theirs), so seeded from the clock.
  let nextRequest = Date.now() * 1000;

  function queueDepth(): number {
    let rows = inFlightRows;
    for (const p of pending.values()) rows += p.rows;
    return rows;
  }

  /** Seed trace/span memory from the newest partitions, so messages arriving after a restart join. */
  async function seedRecent(): Promise<void> {
    const spanFiles = manifest.files
      .filter((f) => f.table === 'spans')
      .sort((a, b) => a.max_time.localeCompare(b.max_time));
    await seedFromParquet(
      duck,
      spanFiles.slice(-8).map((f) => join(cfg.dataDir, f.path)),
      Date.now(),
    );
  }

  function fileTarget(): WriteTarget {
    return {
      root: cfg.dataDir,
      nextFileName: () => `${cfg.writerId}-${String(state.next_file_seq++).padStart(6, '0')}`,
    };
  }

  function enqueue(task: () => Promise<void>): Promise<void> {
    const next = chain.then(task);
    chain = next.catch((err: unknown) => {
      log.log('error', 'storage.maintenance_failed', { error: String((err as Error)?.stack ?? err) });
    });
    return next;
  }

  async function commit(next: Manifest, nextState: WriterState): Promise<void> {
    manifest = await saveManifest(cfg.dataDir, withWriterState(next, cfg.writerId, nextState));
    state = nextState;
  }

  /**
   * Segments not yet materialized and older than the one open for appends. A carry segment newer
   * than the active one waits for the next rotation: committing it would mark the active segment,
   * whose seq is lower, as materialized.
   */
  async function flushable(): Promise<Segment[]> {
    const active = wal.activeSeq() ?? Number.POSITIVE_INFINITY;
    const carries = new Set(state.carries.map((c) => c.seq));
    return (await listSegments(cfg.walDir)).filter(
      (s) => s.seq > state.wal_committed && s.seq < active && (s.kind === 'wal' || carries.has(s.seq)),
    );
  }

  /** `final`: write messages still waiting for their span as they are instead of carrying them. */
  async function materializeGroup(group: Segment[], final: boolean): Promise<void> {
    const started = performance.now();
    const nowMs = Date.now();
    const out = await materialize(duck, {
      segmentPaths: group.map((s) => s.path),
      nowMs,
      carryMaxAgeMs: final ? 0 : cfg.carryMaxAgeMs,
      recent: cfg.recent,
      target: fileTarget(),
      carryPath: () => {
        const seq = wal.reserveSeq();
        return { seq, path: segmentPath(cfg.walDir, seq, 'carry') };
      },
    });
    const lastSeq = Math.max(...group.map((s) => s.seq));
    const consumed = new Set(group.map((s) => s.seq));
    const carries = state.carries.filter((c) => !consumed.has(c.seq));
    if (out.carry) carries.push({ seq: out.carry.seq, since_ms: out.carry.since_ms });
    // If this throws, the files stay: the manifest may or may not have been renamed into place.
    // Unlisted ones are orphans that start-up removes; the segments are materialized again.
    await commit(
      { ...manifest, files: [...manifest.files, ...out.files] },
      { ...state, wal_committed: lastSeq, carries },
    );
    // Counted as soon as the manifest names the files, so stats never lag what readers can see.
    stats.spansWritten += out.spans;
    stats.messagesWritten += out.messages;
    stats.flushes++;
    stats.lastFlushMs = performance.now() - started;
    for (const segment of group) {
      await removeIfExists(segment.path);
      pending.delete(segment.seq);
    }
    log.log('debug', 'storage.flush', {
      segments: group.length,
      spans: out.spans,
      messages: out.messages,
      carried: out.carry?.rows ?? 0,
      files: out.files.length,
      ms: Math.round(stats.lastFlushMs),
    });
  }

  /** Materialize every sealed segment, in groups bounded by bytes so DuckDB memory stays bounded. */
  async function drain(final: boolean): Promise<void> {
    const segments = await flushable();
    let group: Segment[] = [];
    let bytes = 0;
    for (const segment of segments) {
      const size = (await stat(segment.path)).size;
      if (group.length > 0 && bytes + size > cfg.maxFlushBytes) {
        await materializeGroup(group, final);
        group = [];
        bytes = 0;
      }
      group.push(segment);
      bytes += size;
    }
    if (group.length > 0) await materializeGroup(group, final);
  }

  function carryDue(nowMs: number): boolean {
    return state.carries.some((c) => c.since_ms + cfg.carryMaxAgeMs <= nowMs);
  }

  /**
   * Timer and size flushes carry messages still waiting for their span; an explicit flush (and
   * close) writes everything, so what was acknowledged is readable afterwards.
   */
  async function flushNow(final: boolean): Promise<void> {
    if (!final) flushQueued = false;
    const carriesWaiting = final ? state.carries.length > 0 : carryDue(Date.now());
    if (wal.activeSeq() !== null && (wal.activeSpans() > 0 || carriesWaiting)) await wal.rotate();
    await drain(final);
    await maintain();
  }

  async function maintain(): Promise<void> {
    const nowMs = Date.now();
    if (cfg.retentionDays !== null && nowMs - lastRetention >= RETENTION_EVERY_MS) {
      lastRetention = nowMs;
      const expired = expiredFiles(manifest, cfg.retentionDays, nowMs);
      if (expired.length > 0) {
        await commit(replaceFiles(manifest, expired, []), state);
        for (const f of expired) await removeDataFile(cfg.dataDir, f.path);
        log.log('info', 'storage.retention', { files_removed: expired.length });
      }
    }
    if (cfg.compaction === null) return;
    for (const plan of planCompaction(manifest, cfg.writerId, cfg.compaction)) {
      const merged = await mergePartition(duck, cfg.dataDir, plan, fileTarget());
      await commit(replaceFiles(manifest, plan.files, merged.files), state);
      // Readers holding the previous manifest may 404 on these until they reload it.
      for (const f of plan.files) await removeDataFile(cfg.dataDir, f.path);
      log.log('debug', 'storage.compaction', {
        table: plan.table,
        files_in: plan.files.length,
        files_out: merged.files.length,
      });
    }
  }

  function scheduleFlush(): void {
    if (flushQueued || closing) return;
    flushQueued = true;
    void enqueue(() => flushNow(false)).catch(() => undefined);
  }

  // Replay what the last run left behind before accepting anything new. A failure is logged and
  // retried by later flushes; the segments stay durable meanwhile.
  await enqueue(async () => {
    await drain(false);
    await maintain();
  }).catch(() => undefined);

  const timer = setInterval(() => {
    // Sealed segments left by a failed flush are retried even when no new data arrives.
    if (wal.activeSpans() > 0 || pending.size > 0 || carryDue(Date.now())) scheduleFlush();
  }, cfg.flushIntervalMs);
  timer.unref();

  return {
    async ingest(request: IngestRequest): Promise<IngestResult> {
      if (closing) return { ok: false, reason: 'closing' };
      const count = request.signal === 'traces' ? request.spans.length : request.logs.length;
      if (queueDepth() + count > cfg.maxQueueSpans) {
        scheduleFlush();
        return {
          ok: false,
          reason: 'overloaded',
          retryAfterSeconds: Math.max(1, Math.ceil(cfg.flushIntervalMs / 1000)),
        };
      }
      const normalized = cfg.normalize(
        request.signal === 'traces' ? { spans: request.spans, logs: [] } : { spans: [], logs: request.logs },
        { pricer: cfg.pricer },
      );
      const rows = normalized.spans.length + normalized.messages.length;
      if (request.signal === 'traces') stats.spansReceived += count;
      else stats.logsReceived += count;
      if (rows === 0) return { ok: true, accepted: count };
      const data = encodeRows(normalized.spans, normalized.messages, nextRequest++);
      inFlightRows += rows;
      let seq: number;
      try {
        seq = await wal.append(data, rows);
      } finally {
        inFlightRows -= rows;
      }
      if (seq > state.wal_committed) {
        const p = pending.get(seq) ?? { rows: 0, bytes: 0 };
        pending.set(seq, { rows: p.rows + rows, bytes: p.bytes + data.length });
      }
      if (wal.activeSpans() >= cfg.flushSpans || wal.activeBytes() >= cfg.maxFlushBytes) {
        // Seal now, not when the flush gets its turn: segments stay small even when flushes
        // lag behind, and each flush reads a bounded batch.
        if (!rotating) {
          rotating = true;
          void wal.rotate().finally(() => {
            rotating = false;
          });
        }
        scheduleFlush();
      }
      return { ok: true, accepted: count };
    },

    flush() {
      return enqueue(() => flushNow(true));
    },

    async close() {
      if (closing) return;
      closing = true;
      clearInterval(timer);
      await chain;
      await wal.close();
      await enqueue(async () => {
        await drain(true);
        await maintain();
      }).finally(() => duck.close());
    },

    stats() {
      let walBytes = 0;
      for (const p of pending.values()) walBytes += p.bytes;
      return { ...stats, queueDepth: queueDepth(), walBytes };
    },
  };
}
