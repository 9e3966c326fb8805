/**
 * Storage configuration with its defaults. The normalizer is injectable (tests and benchmarks may
 * pass their own); by default it is the shared one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OtlpLogRecord, OtlpSpan } from '@parley/shared/otlp';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import type { NormalizedBatch } from '@parley/shared/normalizer/index';
import type { Pricer } from '@parley/shared/pricing/index';
import type { Logger } from '../log.ts';
import { writeFileAtomic } from './durable-fs.ts';

export type NormalizeFn = (
  input: { spans: OtlpSpan[]; logs: OtlpLogRecord[] },
  options: { pricer: Pricer | null },
) => NormalizedBatch;

export interface StorageConfig {
  dataDir: string;
  /** Prefix of every file this collector writes; unique per collector sharing a data dir. */
  writerId?: string;
  /** Flush once the active WAL segment holds this many rows (spans + messages). */
  flushSpans?: number;
  flushIntervalMs?: number;
  /** Rows logged but not yet in Parquet above which ingest answers `overloaded`. */
  maxQueueSpans?: number;
  /** Drop hour partitions older than this many days; absent = keep everything. */
  retentionDays?: number | null;
  compaction?:
    | { minFiles?: number; smallFileBytes?: number; maxMergeBytes?: number; maxPartitionsPerPass?: number }
    | false;
  /** How long a log-derived message waits (carried across flushes) for its span. */
  carryMaxAgeMs?: number;
  duckdb?: { memoryLimit?: string; threads?: number };
  pricer: Pricer | null;
  logger: Logger;
  normalize?: NormalizeFn;
}

export interface ResolvedConfig {
  dataDir: string;
  walDir: string;
  writerId: string;
  flushSpans: number;
  flushIntervalMs: number;
  maxQueueSpans: number;
  /**
   * WAL bytes per segment and per flush (at least one segment). DuckDB's memory during a flush
   * grows with the batch, so heavy rows (long prompts) flush in smaller batches.
   */
  maxFlushBytes: number;
  retentionDays: number | null;
  compaction: {
    minFiles: number;
    smallFileBytes: number;
    maxMergeBytes: number;
    maxPartitionsPerPass: number;
  } | null;
  carryMaxAgeMs: number;
  recent: { maxAgeMs: number; maxSpans: number };
  duckdb: { memoryLimit: string; threads: number; tempDir: string };
  pricer: Pricer | null;
  logger: Logger;
  normalize: NormalizeFn;
}

const WRITER_ID = /^[A-Za-z0-9_-]{1,64}$/;

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

export async function resolveConfig(config: StorageConfig): Promise<ConfigResult> {
  if (config.writerId !== undefined && !WRITER_ID.test(config.writerId)) {
    return { ok: false, error: `writerId must match ${WRITER_ID.source}` };
  }
  const walDir = join(config.dataDir, '_wal');
  try {
    await mkdir(walDir, { recursive: true });
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
        maxQueueSpans: positive('maxQueueSpans', config.maxQueueSpans, flushSpans * 10),
        maxFlushBytes: 24 * 1024 * 1024,
        retentionDays: config.retentionDays ?? null,
        compaction: compaction && {
          minFiles: positive('compaction.minFiles', compaction.minFiles, 8),
          smallFileBytes: positive('compaction.smallFileBytes', compaction.smallFileBytes, 8 * 1024 * 1024),
          maxMergeBytes: positive('compaction.maxMergeBytes', compaction.maxMergeBytes, 24 * 1024 * 1024),
          maxPartitionsPerPass: positive(
            'compaction.maxPartitionsPerPass',
            compaction.maxPartitionsPerPass,
            4,
          ),
        },
        carryMaxAgeMs: positive('carryMaxAgeMs', config.carryMaxAgeMs, 60_000),
        recent: { maxAgeMs: 15 * 60_000, maxSpans: 200_000 },
        duckdb: {
          // 192 MB ran out under sustained heavy ingest: compaction could not pin blocks while a
          // flush held its batch, and shutdown then failed (bench-collector, 2026-11-26).
          memoryLimit: config.duckdb?.memoryLimit ?? '512MB',
          threads: positive('duckdb.threads', config.duckdb?.threads, 2),
          tempDir: join(walDir, 'duckdb-tmp'),
        },
        pricer: config.pricer,
        logger: config.logger,
        normalize: config.normalize ?? normalizeBatch,
      },
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
