/**
 * Storage configuration with its defaults. Everything the materializer thread needs is plain
 * data (it crosses to a worker thread), so prices are named by their source, not passed as a
 * pricer object.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { makeDirs, writeFileAtomic } from './durable-fs.ts';
import type { CompactionOptions } from './compaction.ts';
import type { RecentLimits } from './recent-spans.ts';

/** Cost pricing: the bundled price table plus an optional overrides file; null = no costs. */
export type PricesConfig = { overridesFile: string | null } | null;

export interface StorageConfig {
  dataDir: string;
  /** Prefix of every file this collector writes; unique per collector sharing a data dir. */
  writerId?: string;
  /** Seal the active WAL segment (and flush) once it holds this many spans + log records. */
  flushSpans?: number;
  flushIntervalMs?: number;
  /** Spans + log records logged but not yet in Parquet above which ingest answers `overloaded`. */
  maxQueueSpans?: number;
  /** WAL bytes not yet in Parquet above which ingest answers `overloaded` (bounds disk and replay). */
  maxBacklogBytes?: number;
  /**
   * How long closing keeps writing Parquet. The backlog can hold minutes of writing (a burst is
   * acknowledged far faster than it is written); what is left stays in the WAL, durable, and is
   * written at the next start, so a stop does not outlast a supervisor's kill timeout.
   */
  shutdownDrainMs?: number;
  /** Drop partitions older than this many days (see retention.ts); absent = keep everything. */
  retentionDays?: number | null;
  compaction?:
    | {
        minFiles?: number;
        smallFileBytes?: number;
        maxMergeBytes?: number;
        maxMergeRows?: number;
        maxPartitionsPerPass?: number;
      }
    | false;
  /**
   * How long a row that cannot be completed yet waits (carried across flushes): a log-derived
   * message for its span, a span without a session for its trace's root. 0: nothing waits.
   */
  carryMaxAgeMs?: number;
  duckdb?: { memoryLimitBytes?: number; threads?: number };
  /** Bounds of the span memory completion works against (not a CLI flag: the defaults suit). */
  recent?: RecentLimits;
  prices: PricesConfig;
  logger: Logger;
}

export interface ResolvedConfig {
  dataDir: string;
  walDir: string;
  writerId: string;
  flushSpans: number;
  flushIntervalMs: number;
  maxQueueSpans: number;
  maxBacklogBytes: number;
  shutdownDrainMs: number;
  /** WAL bytes per segment: the active segment is sealed (and flushed) at this size. */
  segmentBytes: number;
  /**
   * WAL bytes per flush (at least one segment). DuckDB's memory during a flush grows with the
   * batch, so heavy rows (long prompts) flush in smaller batches.
   */
  maxFlushBytes: number;
  retentionDays: number | null;
  compaction: {
    minFiles: number;
    smallFileBytes: number;
    maxMergeBytes: number;
    maxMergeRows: number;
    maxPartitionsPerPass: number;
  } | null;
  carryMaxAgeMs: number;
  recent: RecentLimits;
  duckdb: { memoryLimitBytes: number; threads: number; tempDir: string };
  prices: PricesConfig;
  logger: Logger;
}

const WRITER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const COMPACTION_DEFAULTS: CompactionOptions = {
  minFiles: 8,
  smallFileBytes: 8 * 1024 * 1024,
  maxMergeBytes: 24 * 1024 * 1024,
  maxMergeRows: 50_000,
  maxPartitionsPerPass: 4,
};

export type ConfigResult = { ok: true; config: ResolvedConfig } | { ok: false; error: string };

/** The writer id persists in the WAL directory, so a restart recognizes its own orphan files. */
async function persistentWriterId(walDir: string): Promise<string> {
  const path = join(walDir, 'writer-id');
  try {
    const id = (await readFile(path, 'utf8')).trim();
    if (WRITER_ID.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = `w${randomBytes(4).toString('hex')}`;
  await writeFileAtomic(path, `${id}\n`);
  return id;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return v;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number >= 0, got ${value}`);
  return v;
}

export async function resolveConfig(config: StorageConfig): Promise<ConfigResult> {
  if (config.writerId !== undefined && !WRITER_ID.test(config.writerId)) {
    return { ok: false, error: `writerId must match ${WRITER_ID.source}` };
  }
  const walDir = join(config.dataDir, '_wal');
  try {
    await makeDirs(walDir);
    const flushSpans = positive('flushSpans', config.flushSpans, 20_000);
    const compaction = config.compaction === false ? null : (config.compaction ?? {});
    return {
      ok: true,
      config: {
        dataDir: config.dataDir,
        walDir,
        writerId: config.writerId ?? (await persistentWriterId(walDir)),
        flushSpans,
        flushIntervalMs: positive('flushIntervalMs', config.flushIntervalMs, 2_000),
        // The backlog waits on disk, not in memory: its bounds are disk space and the time to
        // write it out (~1M spans: a few minutes at this machine's Parquet rate, docs/benchmarks.md).
        maxQueueSpans: positive('maxQueueSpans', config.maxQueueSpans, Math.max(flushSpans * 10, 1_000_000)),
        maxBacklogBytes: positive('maxBacklogBytes', config.maxBacklogBytes, 1024 * 1024 * 1024),
        shutdownDrainMs: nonNegative('shutdownDrainMs', config.shutdownDrainMs, 10_000),
        // What a flush holds at once (decoded rows in JS, their lines, DuckDB's tables and sorts)
        // grows with its group. Smaller groups measured less memory for more CPU per span: 4 MB
        // groups with DuckDB at 64 MiB peaked ~40 % lower and cost ~25 % more CPU per span
        // (docs/benchmarks.md, sixth pass); the Parquet rate is the scarcer of the two here.
        segmentBytes: 8 * 1024 * 1024,
        maxFlushBytes: 16 * 1024 * 1024,
        retentionDays: config.retentionDays ?? null,
        compaction: compaction && {
          minFiles: positive('compaction.minFiles', compaction.minFiles, COMPACTION_DEFAULTS.minFiles),
          smallFileBytes: positive(
            'compaction.smallFileBytes',
            compaction.smallFileBytes,
            COMPACTION_DEFAULTS.smallFileBytes,
          ),
          maxMergeBytes: positive(
            'compaction.maxMergeBytes',
            compaction.maxMergeBytes,
            COMPACTION_DEFAULTS.maxMergeBytes,
          ),
          maxMergeRows: positive(
            'compaction.maxMergeRows',
            compaction.maxMergeRows,
            COMPACTION_DEFAULTS.maxMergeRows,
          ),
          maxPartitionsPerPass: positive(
            'compaction.maxPartitionsPerPass',
            compaction.maxPartitionsPerPass,
            COMPACTION_DEFAULTS.maxPartitionsPerPass,
          ),
        },
        carryMaxAgeMs: nonNegative('carryMaxAgeMs', config.carryMaxAgeMs, 60_000),
        // A day: agent runs of hours still end up one session when their root comes, and the
        // memory of a forgotten rootless trace is its id and days (~250 bytes, ~5 MB in all).
        recent: config.recent ?? {
          maxAgeMs: 15 * 60_000,
          maxSpans: 200_000,
          rootless: { maxAgeMs: 24 * 3_600_000, maxTraces: 20_000 },
        },
        duckdb: {
          // Compaction ran out of 192-512 MB while merges were bounded by compressed bytes only
          // (synthetic prompts compress 25x); bounded by rows too, 128 MB ran bench-collector
          // without errors (2026-11-26), and this leaves headroom for heavier rows. What needs
          // more says so: a flush sizes the limit to its longest row (materialize.ts), and a
          // flush or merge that runs out is retried with more (materializer.ts). One thread: the
          // materializer is one of two threads sharing the 2 cores with the receivers.
          memoryLimitBytes: Math.ceil(
            positive('duckdb.memoryLimitBytes', config.duckdb?.memoryLimitBytes, 192 * 1024 * 1024),
          ),
          threads: positive('duckdb.threads', config.duckdb?.threads, 1),
          tempDir: join(walDir, 'duckdb-tmp'),
        },
        prices: config.prices,
        logger: config.logger,
      },
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
