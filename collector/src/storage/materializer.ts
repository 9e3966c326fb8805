/**
 * The materializer: sealed WAL segments -> Parquet + manifest, then compaction and retention, one
 * task at a time on a single chain. It owns DuckDB and the manifest; it runs on its own thread so
 * the receivers' event loop only decodes, appends and acknowledges.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '@parley/shared/manifest';
import type { Pricer } from '@parley/shared/pricing/index';
import type { Logger } from '../log.ts';
import { planCompaction, mergePartition, replaceFiles } from './compaction.ts';
import { isOutOfMemory, openDuck } from './duck.ts';
import type { Duck } from './duck.ts';
import { publishFile, removeDataFile, removeIfExists, removeTree } from './durable-fs.ts';
import { loadManifest, saveManifest, withWriterState, writerState } from './manifest-store.ts';
import type { WriterState } from './manifest-store.ts';
import { materialize } from './materialize.ts';
import type { RowFile } from './materialize.ts';
import { messagePartitions, spanPartitions } from './flush-partitions.ts';
import type { WriteTarget } from './partition-writer.ts';
import { completeGroup } from './call-completion.ts';
import type { CompletedGroup } from './call-completion.ts';
import { createRecentSpans, seedFromParquet, seedSpanlessMessages } from './recent-spans.ts';
import type { SpanKey } from './recent-spans.ts';
import { recover } from './recovery.ts';
import { createRowLines } from './row-lines.ts';
import type { RowLines } from './row-lines.ts';
import { createScratchDir } from './scratch-dir.ts';
import { expiredFiles } from './retention.ts';
import { lateSessionCandidates, rewriteLateSessions } from './late-sessions.ts';
import { sessionsFromWrittenSpans } from './forgotten-spans.ts';
import type { LateSession } from './call-completion.ts';
import { listSegments, segmentPath } from './wal-segments.ts';
import type { Segment } from './wal-segments.ts';
import { readGroupRows } from './wal-rows.ts';
import type { ReadRows } from './wal-rows.ts';
import { writeSetAside } from './set-aside.ts';
import type { FromMaterializer, StartOptions } from './worker-protocol.ts';

const RETENTION_EVERY_MS = 60_000;
/** Files of a table read at start-up to seed the recent-span memory, at most. */
const SEED_FILES_MAX = 64;

/**
 * A table's files written last (the manifest lists files in the order they were written), up to
 * `maxRows` rows. Chosen by time instead, a few spans a broken clock dated in the future would
 * take every slot.
 */
function lastWritten(
  manifest: Manifest,
  table: 'spans' | 'messages',
  maxRows: number,
  dataDir: string,
): string[] {
  const files: string[] = [];
  let rows = 0;
  for (const file of [...manifest.files].reverse()) {
    if (rows >= maxRows || files.length >= SEED_FILES_MAX) break;
    if (file.table !== table) continue;
    files.push(join(dataDir, file.path));
    rows += file.rows;
  }
  return files;
}
/**
 * A flush or merge that runs out of DuckDB's memory limit is tried once more with this many
 * times the limit: unusually wide rows should cost memory for a moment, not stall the WAL or
 * leave a partition unmerged.
 */
const OUT_OF_MEMORY_RETRY_FACTOR = 4;

export interface Materializer {
  /** Segments up to `upTo` are sealed; flush what is due (coalesced with a queued flush). */
  sealed(upTo: number): void;
  /** Write everything up to `upTo`, carried messages included. */
  flush(upTo: number): Promise<void>;
  /** Final flush, then release DuckDB. */
  close(upTo: number): Promise<void>;
}

type Emit = (message: FromMaterializer) => void;

async function pricerFor(options: StartOptions): Promise<Pricer | null> {
  const prices = options.config.prices;
  if (prices === null) return null;
  // Loaded only when used: the bundled price table is a large module.
  const { loadPricer } = await import('../prices.ts');
  const loaded = await loadPricer(prices.overridesFile);
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.pricer;
}

export async function startMaterializer(options: StartOptions, emit: Emit): Promise<Materializer> {
  const cfg = options.config;
  const log: Logger = {
    log: (level, event, fields = {}) => emit({ type: 'log', level, event, fields }),
  };
  const pricer = await pricerFor(options);
  const loaded = await loadManifest(cfg.dataDir);
  if (!loaded.ok) throw new Error(`storage: ${loaded.error}`);
  // A new data dir publishes its empty dataset at once: a reader (the viewer) then sees "no data
  // yet" instead of a 404 that reads as "no collector here".
  let manifest: Manifest = loaded.missing
    ? await saveManifest(cfg.dataDir, loaded.manifest)
    : loaded.manifest;
  let state: WriterState = writerState(manifest, cfg.writerId);
  const recovered = await recover(cfg.dataDir, cfg.walDir, cfg.writerId, manifest, state, options.repairWal);
  if (recovered.missingFiles.length > 0) {
    manifest = await saveManifest(cfg.dataDir, replaceFiles(manifest, recovered.missingFiles, []));
    log.log('error', 'storage.missing_files', {
      files: recovered.missingFiles.length,
      first: recovered.missingFiles.slice(0, 10).map((f) => f.path),
      hint: 'named by manifest.json but not on disk: their rows are lost and they were taken out of the manifest; restore them from a backup to get them back',
    });
  }
  if (recovered.orphanFiles > 0 || recovered.tornBytes > 0 || recovered.pending.length > 0) {
    log.log('info', 'storage.recovery', {
      orphan_files_removed: recovered.orphanFiles,
      torn_bytes_truncated: recovered.tornBytes,
      segments_to_replay: recovered.pending.length,
    });
  }
  if (recovered.legacySegments.length > 0) {
    log.log('error', 'storage.wal_legacy', {
      segments: recovered.legacySegments,
      hint: 'written by an earlier Parley version; not replayed. Run that version once on this data dir to flush them.',
    });
  }
  if (recovered.corruptBytes > 0) {
    log.log('error', 'storage.wal_corrupt', { bytes_dropped: recovered.corruptBytes });
  }

  const dataDir = await stat(cfg.dataDir);
  const scratch = await createScratchDir(cfg.walDir);
  let duck: Duck;
  try {
    duck = await openDuck(cfg.duckdb);
  } catch (err) {
    await removeTree(scratch);
    throw err;
  }
  let sealedUpTo = options.repairWal ? recovered.nextSeq - 1 : options.sealedUpTo;
  let chain: Promise<void> = Promise.resolve();
  let flushQueued = false;
  let lastRetention = 0;
  let closed = false;
  /** Once closing: when to stop writing and leave the rest in the WAL (see shutdownDrainMs). */
  let stopAt = Number.POSITIVE_INFINITY;
  const recent = createRecentSpans(cfg.recent);

  // Seed trace/span memory from the span files written last, as many as the memory holds, so
  // messages arriving after a restart join.
  const seedFiles = lastWritten(manifest, 'spans', cfg.recent.maxSpans, cfg.dataDir);
  // Only a help: a file it cannot read (damaged on disk) must not keep the collector from starting.
  await seedFromParquet(duck, recent, seedFiles, Date.now()).catch((err: unknown) =>
    log.log('warn', 'storage.seed_failed', {
      error: String(err).split('\n')[0],
      hint: 'log records that arrive now for spans written before this start get no session from them here (the viewer still joins them by trace and span id)',
    }),
  );

  // Message files written last, as many rows as the span files read above, for the traces whose
  // messages were written before their span came (seedSpanlessMessages).
  const messageFiles = lastWritten(manifest, 'messages', cfg.recent.maxSpans, cfg.dataDir);
  await seedSpanlessMessages(duck, recent, messageFiles, Date.now(), cfg.recent.rootless.maxTraces).catch(
    (err: unknown) =>
      log.log('warn', 'storage.seed_failed', {
        error: String(err).split('\n')[0],
        hint: 'log messages written before their span came, before this start, do not take the session that span brings',
      }),
  );

  emit({
    type: 'started',
    nextSeq: recovered.nextSeq,
    walCommitted: state.wal_committed,
    pending: recovered.pending.map((s) => ({ seq: s.seq, bytes: s.bytes, items: s.items })),
  });

  function fileTarget(): WriteTarget {
    return {
      root: cfg.dataDir,
      nextFileName: () => `${cfg.writerId}-${String(state.next_file_seq++).padStart(6, '0')}`,
    };
  }

  /** Both callers remove what a failed attempt wrote, so the work can run again. */
  async function withMemoryRetry<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!isOutOfMemory(err)) throw err;
      const bytes = duck.memoryLimitBytes * OUT_OF_MEMORY_RETRY_FACTOR;
      log.log('warn', 'storage.duckdb_memory_raised', {
        work: what,
        memory_limit_bytes: bytes,
        error: (err as Error).message.split('\n')[0],
      });
      return duck.withMemoryLimit(bytes, work);
    }
  }

  function enqueue(task: () => Promise<void>): Promise<void> {
    const next = chain.then(task);
    chain = next.catch((err: unknown) => {
      log.log('error', 'storage.maintenance_failed', { error: String((err as Error)?.stack ?? err) });
    });
    return next;
  }

  async function commit(next: Manifest, nextState: WriterState): Promise<void> {
    // A data directory deleted under the collector comes back as partition directories are made
    // again; a manifest written there would name files that are gone, and the next start trip on them.
    const now = await stat(cfg.dataDir).catch(() => null);
    if (now === null || now.ino !== dataDir.ino || now.dev !== dataDir.dev)
      throw new Error(`the data directory ${cfg.dataDir} was deleted or replaced while the collector ran`);
    manifest = await saveManifest(cfg.dataDir, withWriterState(next, cfg.writerId, nextState));
    state = nextState;
  }

  /** Live carry segments first (their messages may meet spans of the WAL), then sealed WAL. */
  async function flushable(): Promise<Segment[]> {
    const carries = new Set(state.carries.map((c) => c.seq));
    const segments = await listSegments(cfg.walDir);
    return [
      ...segments.filter((s) => s.kind === 'carry' && carries.has(s.seq)),
      ...segments.filter((s) => s.kind === 'wal' && s.seq > state.wal_committed && s.seq <= sealedUpTo),
    ];
  }

  /**
   * A group's rows, decoded, normalized and completed into row files (and the rows it holds back
   * into a carry file, named a segment only when the group is committed) ahead of its DuckDB turn.
   */
  interface PreparedRows {
    files: RowFile[];
    maxLineBytes: number;
    setAside: number;
    duplicates: number;
    spans: number;
    messages: number;
    carry: { tmpPath: string; since_ms: number; rows: number } | null;
    lateSessions: LateSession[];
    /** See CompletedGroup.spanless. */
    spanless: Map<string, Set<string>>;
    ms: number;
    /**
     * The spans completion remembered as written (see call-completion.ts), taken back unless the
     * group commits: a group that is read again must not find its own spans already written.
     */
    remembered: readonly SpanKey[];
    committed: boolean;
  }

  /** `final`: write rows still waiting (for their span, or their trace root) as they are, carrying none. */
  async function prepareRows(group: readonly Segment[], slot: number, final: boolean): Promise<PreparedRows> {
    const started = performance.now();
    const nowMs = Date.now();
    const lines = createRowLines();
    const rows = await readGroupRows(group, pricer, lines);
    if (rows.problems.length > 0) log.log('error', 'storage.wal_unreadable', { problems: rows.problems });
    // Written before the group commits, which deletes the WAL segments holding these items.
    const asideFiles = await writeSetAside(cfg.walDir, rows.setAside);
    for (const [i, aside] of rows.setAside.entries()) {
      log.log('error', 'storage.normalize_failed', {
        signal: aside.signal,
        trace_id: aside.traceId,
        items: aside.items.length,
        kept_in: asideFiles[i],
        error: aside.error.split('\n').slice(0, 4).join('\n'),
      });
    }
    const done = completeGroup(rows, recent, { nowMs, carryMaxAgeMs: final ? 0 : cfg.carryMaxAgeMs });
    if (done.rootless > 0) {
      // Said at info: an agent run longer than the wait ends up split in the sessions list.
      log.log('info', 'storage.root_wait_ended', {
        spans: done.rootless,
        waited_ms: final ? null : cfg.carryMaxAgeMs,
        hint: final
          ? 'written without a session by a flush of everything (shutdown): their trace root had not arrived'
          : 'written without a session: their trace root had not arrived in time. Runs longer than this? Raise --root-wait-ms',
      });
    }
    try {
      return await writeRowFiles(done, rows, slot, nowMs, lines, started);
    } catch (err) {
      recent.unremember(done.spans);
      throw err;
    }
  }

  async function writeRowFiles(
    done: CompletedGroup,
    read: ReadRows,
    slot: number,
    nowMs: number,
    lines: RowLines,
    started: number,
  ): Promise<PreparedRows> {
    // Two slots: one group's files are read by DuckDB while the next group's are written.
    const files: RowFile[] = [];
    let maxLineBytes = 0;
    const parts = [
      ...spanPartitions(done.spans).map((p) => ({ table: 'spans' as const, ...p })),
      ...messagePartitions(done.messages).map((p) => ({ table: 'messages' as const, ...p })),
    ];
    for (const [i, part] of parts.entries()) {
      const path = join(scratch, `flush-${slot}.${part.table}.${i}.ndjson`);
      files.push({ table: part.table, path, partition: part.stats });
      maxLineBytes = Math.max(
        maxLineBytes,
        await lines.write(path, [{ table: part.table, rows: part.rows }]),
      );
    }
    let carry: PreparedRows['carry'] = null;
    const held = done.carried;
    if (held.spans.length + held.messages.length > 0) {
      // Beside the segments (a rename publishes it), under a name start-up clears. Its sequence
      // number is taken when the group commits: this runs while the previous group commits, and
      // the writer state must change in one place at a time.
      const tmpPath = join(cfg.walDir, `carry-slot-${slot}.tmp`);
      await lines.write(tmpPath, [
        { table: 'spans', rows: held.spans },
        { table: 'messages', rows: held.messages },
      ]);
      let since = nowMs;
      for (const row of [...held.spans, ...held.messages]) since = Math.min(since, row.carried_since);
      carry = { tmpPath, since_ms: since, rows: held.spans.length + held.messages.length };
    }
    return {
      files,
      maxLineBytes,
      setAside: read.setAside.reduce((n, aside) => n + aside.items.length, 0),
      duplicates: read.duplicates + done.duplicates,
      spans: done.spans.length,
      messages: done.messages.length,
      carry,
      lateSessions: done.lateSessions,
      spanless: done.spanless,
      ms: performance.now() - started,
      // Only the keys: a row holds its encoded line, and through it the bytes of its whole WAL
      // record, which would otherwise stay in memory while DuckDB writes this group.
      remembered: done.spans.map(({ trace_id, span_id }) => ({ trace_id, span_id })),
      committed: false,
    };
  }

  /** A committed group's carry file is a segment by now; an uncommitted one's goes. */
  async function removePrepared(rows: PreparedRows): Promise<void> {
    if (!rows.committed) recent.unremember(rows.remembered);
    for (const file of rows.files) await removeIfExists(file.path);
    if (rows.carry !== null) await removeIfExists(rows.carry.tmpPath);
  }

  async function materializeGroup(group: Segment[], rows: PreparedRows): Promise<void> {
    const started = performance.now();
    const wal = group.filter((s) => s.kind === 'wal');
    const carried = group.filter((s) => s.kind === 'carry');
    const out = await withMemoryRetry('flush', () =>
      materialize(duck, {
        files: rows.files,
        maxLineBytes: rows.maxLineBytes,
        target: fileTarget(),
      }),
    );
    const consumed = new Set(carried.map((s) => s.seq));
    const carries = state.carries.filter((c) => !consumed.has(c.seq));
    if (rows.carry !== null) {
      const seq = state.next_file_seq++;
      await publishFile(rows.carry.tmpPath, segmentPath(cfg.walDir, seq, 'carry'));
      carries.push({ seq, since_ms: rows.carry.since_ms });
    }
    const walCommitted = Math.max(state.wal_committed, ...wal.map((s) => s.seq));
    // Traces the memory forgot: the late sessions their written spans give, committed with the
    // messages they complete. A trace already pending keeps its one entry: the rewrite joins
    // rows to the pending list by trace.
    const pending = new Set([...state.late_sessions, ...rows.lateSessions].map((l) => l.trace_id));
    const spanless = new Map([...rows.spanless].filter(([traceId]) => !pending.has(traceId)));
    // Only a help: a span file it cannot read must not hold up the group.
    const found = await sessionsFromWrittenSpans(duck, cfg.dataDir, manifest, spanless).catch(
      (err: unknown) => {
        log.log('warn', 'storage.span_lookup_failed', {
          traces: spanless.size,
          error: String(err).split('\n')[0],
          hint: 'log messages whose span was written before the collector forgot it stay without a session',
        });
        return [];
      },
    );
    const lateSessions = [...rows.lateSessions, ...found];
    // If this throws, the files stay: the manifest may or may not have been renamed into place.
    // Unlisted ones are orphans that start-up removes; the segments are materialized again.
    await commit(
      { ...manifest, files: [...manifest.files, ...out.files] },
      {
        ...state,
        wal_committed: walCommitted,
        carries,
        late_sessions: [...state.late_sessions, ...lateSessions],
      },
    );
    rows.committed = true;
    // Their rewrite is pending in the committed state now (settleLateSessions).
    for (const late of lateSessions) recent.settle(late.trace_id);
    const ms = performance.now() - started;
    const written = (table: string) =>
      out.files.filter((f) => f.table === table).reduce((sum, f) => sum + f.rows, 0);
    const spans = written('spans');
    const messages = written('messages');
    if (spans !== rows.spans || messages !== rows.messages) {
      log.log('error', 'storage.rows_unreadable', {
        spans_expected: rows.spans,
        spans_written: spans,
        messages_expected: rows.messages,
        messages_written: messages,
      });
    }
    // Reported right after the manifest names the files (the main thread's stats lag by a message).
    emit({
      type: 'committed',
      walCommitted,
      spans,
      messages,
      setAside: rows.setAside,
      duplicates: rows.duplicates,
      ms,
    });
    for (const segment of group) await removeIfExists(segment.path);
    log.log('debug', 'storage.flush', {
      segments: group.length,
      spans,
      messages,
      carried: rows.carry?.rows ?? 0,
      files: out.files.length,
      // Decoding, normalizing, completing and encoding rows (overlapping the previous group's DuckDB work).
      rows_ms: Math.round(rows.ms),
      duckdb_ms: Math.round(ms),
      heap_mb: Math.round(process.memoryUsage().heapTotal / 2 ** 20),
      recent_spans: recent.size,
    });
  }

  function carryDue(nowMs: number): boolean {
    return state.carries.some((c) => c.since_ms + cfg.carryMaxAgeMs <= nowMs);
  }

  /** Flushable segments in groups bounded by bytes, so DuckDB memory per flush stays bounded. */
  async function groupsOf(segments: readonly Segment[]): Promise<Segment[][]> {
    const groups: Segment[][] = [];
    let group: Segment[] = [];
    let bytes = 0;
    for (const segment of segments) {
      const size = (await stat(segment.path)).size;
      if (group.length > 0 && bytes + size > cfg.maxFlushBytes) {
        groups.push(group);
        group = [];
        bytes = 0;
      }
      group.push(segment);
      bytes += size;
    }
    if (group.length > 0) groups.push(group);
    return groups;
  }

  /**
   * Materialize sealed segments group by group. JS prepares the next group's rows while DuckDB
   * (on a libuv thread) writes the current one. Timer and size flushes carry rows still waiting
   * (see call-completion.ts), and touch carries alone only once one is due; an explicit flush
   * (and close) writes everything.
   */
  async function drain(final: boolean): Promise<void> {
    if (Date.now() >= stopAt) return;
    const segments = await flushable();
    if (!final && !carryDue(Date.now()) && !segments.some((s) => s.kind === 'wal')) return;
    const groups = await groupsOf(segments);
    let next = groups[0] === undefined ? null : prepareRows(groups[0], 0, final);
    try {
      for (const [i, group] of groups.entries()) {
        const rows = await (next as Promise<PreparedRows>);
        if (Date.now() >= stopAt) {
          await removePrepared(rows);
          return;
        }
        const following = groups[i + 1];
        next = following === undefined ? null : prepareRows(following, (i + 1) % 2, final);
        try {
          await materializeGroup(group, rows);
        } finally {
          await removePrepared(rows);
        }
      }
    } catch (err) {
      // A group failed: the one being prepared is not used (it is retried with the rest).
      await next?.then(removePrepared).catch(() => undefined);
      throw err;
    }
  }

  /** Rewrites the files of traces that got their session late (see late-sessions.ts). */
  async function settleLateSessions(): Promise<void> {
    const pending = state.late_sessions;
    // Past the shutdown deadline the list stays in the manifest, for the next start.
    if (pending.length === 0 || Date.now() >= stopAt) return;
    const started = performance.now();
    const candidates = lateSessionCandidates(manifest, cfg.writerId, pending);
    const rewrite = await withMemoryRetry('late_sessions', () =>
      rewriteLateSessions(duck, cfg.dataDir, candidates, pending, fileTarget()),
    );
    await commit(replaceFiles(manifest, rewrite.removed, rewrite.added), { ...state, late_sessions: [] });
    for (const f of rewrite.removed) await removeDataFile(cfg.dataDir, f.path);
    log.log('info', 'storage.late_sessions', {
      traces: pending.length,
      spans: rewrite.spans,
      files_rewritten: rewrite.removed.length,
      ms: Math.round(performance.now() - started),
    });
  }

  async function maintain(): Promise<void> {
    await settleLateSessions();
    const nowMs = Date.now();
    if (cfg.retentionDays !== null && nowMs - lastRetention >= RETENTION_EVERY_MS) {
      lastRetention = nowMs;
      const expired = expiredFiles(manifest, cfg.retentionDays, nowMs);
      if (expired.length > 0) {
        await commit(replaceFiles(manifest, expired, []), state);
        for (const f of expired) await removeDataFile(cfg.dataDir, f.path);
        const partitions = [...new Set(expired.map((f) => f.path.split('/').slice(1, -1).join('/')))].sort();
        log.log('info', 'storage.retention', {
          files_removed: expired.length,
          rows_removed: expired.reduce((n, f) => n + f.rows, 0),
          older_than: new Date(nowMs - cfg.retentionDays * 86_400_000).toISOString(),
          partitions: partitions.length,
          oldest: partitions[0],
          newest: partitions.at(-1),
        });
      }
    }
    if (cfg.compaction === null) return;
    for (const plan of planCompaction(manifest, cfg.writerId, cfg.compaction)) {
      if (Date.now() >= stopAt) return;
      const merged = await withMemoryRetry('compaction', () =>
        mergePartition(duck, cfg.dataDir, plan, fileTarget()),
      );
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

  async function flushAll(upTo: number, final: boolean): Promise<void> {
    sealedUpTo = Math.max(sealedUpTo, upTo);
    await drain(final);
    await maintain();
  }

  // Replay what the last run left behind first. A failure is logged and retried by later
  // flushes; the segments stay durable meanwhile.
  void enqueue(() => flushAll(sealedUpTo, false)).catch(() => undefined);

  return {
    sealed(upTo) {
      sealedUpTo = Math.max(sealedUpTo, upTo);
      if (flushQueued || closed) return;
      flushQueued = true;
      void enqueue(() => {
        flushQueued = false;
        return flushAll(sealedUpTo, false);
      }).catch(() => undefined);
    },
    flush(upTo) {
      return enqueue(() => flushAll(upTo, true));
    },
    close(upTo) {
      closed = true;
      // Also bounds a drain already running: it checks between groups.
      stopAt = Date.now() + cfg.shutdownDrainMs;
      return enqueue(() => flushAll(upTo, true)).finally(async () => {
        const left = await flushable().catch(() => []);
        if (left.length > 0)
          log.log('info', 'storage.shutdown_deferred', { segments_left_in_wal: left.length });
        duck.close();
        await removeTree(scratch);
      });
    },
  };
}
