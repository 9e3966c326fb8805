import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { SCHEMA_VERSION } from '@parley/shared/schema';
import { sessionKeyHashSql } from '@parley/shared/sql/session-key';
import type { Pipeline } from '../../src/pipeline-types.ts';
import { BASE_US, span } from './otlp-builders.ts';
import type { SpanSpec } from './otlp-builders.ts';
import { manifestOf, openPipeline, queryTable, tempDir } from './harness.ts';

// Each pipeline starts a materializer thread with its own DuckDB: seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function dataDir(): Promise<string> {
  const dir = await tempDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

async function parquetOnDisk(dir: string, table: string): Promise<number> {
  const entries = await readdir(join(dir, table), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.parquet')).length;
}

const PER_SESSION_FROM_SPANS = `SELECT session_id, count(*)::INTEGER AS spans,
  (count(*) FILTER (is_llm_call))::INTEGER AS calls, sum(input_tokens)::INTEGER AS tin, sum(output_tokens)::INTEGER AS tout
  FROM t GROUP BY 1 ORDER BY 1`;
const PER_SESSION_FROM_SUMMARIES = `SELECT session_id, sum(spans)::INTEGER AS spans, sum(llm_calls)::INTEGER AS calls,
  sum(input_tokens)::INTEGER AS tin, sum(output_tokens)::INTEGER AS tout FROM t GROUP BY 1 ORDER BY 1`;

/** `batches` requests of `size` spans in sessions s0..s3, each flushed into its own files. */
async function ingestFlushed(
  pipeline: Pipeline,
  batches: number,
  size: number,
  extra: (batch: number, i: number) => Partial<SpanSpec>,
): Promise<void> {
  for (let batch = 0; batch < batches; batch++) {
    const spans = Array.from({ length: size }, (_, i) =>
      span({
        trace: batch * 100 + i,
        span: batch * 100 + i + 1,
        startUs: BASE_US + batch * 1_000 + i,
        session: `s${i % 4}`,
        ...extra(batch, i),
      }),
    );
    await pipeline.ingest({ signal: 'traces', spans });
    await pipeline.flush();
  }
}

describe('compaction', () => {
  it('merges small files of a partition, keeping every row and the session totals', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir, { compaction: { minFiles: 3 } });
    await ingestFlushed(pipeline, 5, 20, (batch, i) => ({ inputTokens: batch + i }));
    await pipeline.close();

    const manifest = await manifestOf(dir);
    // 5 flushes, merged after the 3rd: the merged file plus the 2 later ones would be 3 again,
    // so the pass after the 5th flush merges those too.
    expect(manifest.files.filter((f) => f.table === 'spans')).toHaveLength(1);
    expect(manifest.files.filter((f) => f.table === 'sessions')).toHaveLength(1);
    expect(await parquetOnDisk(dir, 'spans')).toBe(1);
    expect(await parquetOnDisk(dir, 'sessions')).toBe(1);

    const [count] = await queryTable(
      dir,
      'spans',
      'SELECT count(*)::INTEGER AS n, count(DISTINCT span_id)::INTEGER AS d FROM t',
    );
    expect(count).toEqual({ n: 100, d: 100 });
    const fromSpans = await queryTable(dir, 'spans', PER_SESSION_FROM_SPANS);
    expect(await queryTable(dir, 'sessions', PER_SESSION_FROM_SUMMARIES)).toEqual(fromSpans);
    // Re-aggregated: one summary row per session and partition.
    const [summaryRows] = await queryTable(dir, 'sessions', 'SELECT count(*)::INTEGER AS n FROM t');
    expect(summaryRows).toEqual({ n: 4 });
    const ordered = await queryTable(dir, 'spans', 'SELECT session_id FROM t');
    const ids = ordered.map((r) => String(r.session_id));
    expect(ids).toEqual([...ids].sort());
  });

  it('keeps a summary row per session and hour in the day file, so a chart of hours is exact', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir, { compaction: { minFiles: 3 } });
    const hourUs = 3_600_000_000;
    // Flushes 0-2 in one hour, 3-4 in the next (BASE_US is early in its day).
    await ingestFlushed(pipeline, 5, 20, (batch, i) => ({
      startUs: BASE_US + (batch >= 3 ? hourUs : 0) + batch * 1_000 + i,
    }));
    await pipeline.close();
    const manifest = await manifestOf(dir);
    expect(manifest.files.filter((f) => f.table === 'sessions')).toHaveLength(1);
    const rows = await queryTable(
      dir,
      'sessions',
      `SELECT session_id, date_trunc('hour', first_time) AS hour, count(*)::INTEGER AS n FROM t GROUP BY ALL ORDER BY ALL`,
    );
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const fromSpans = await queryTable(dir, 'spans', PER_SESSION_FROM_SPANS);
    expect(await queryTable(dir, 'sessions', PER_SESSION_FROM_SUMMARIES)).toEqual(fromSpans);
  });

  it('retries a flush or merge that runs out of DuckDB memory with a raised limit, losing nothing', async () => {
    const dir = await dataDir();
    const raised: unknown[] = [];
    // 16 MiB is below what DuckDB's JSON reader takes for one flush (a 32 MiB read buffer).
    const pipeline = await openPipeline(dir, {
      compaction: { minFiles: 3 },
      duckdb: { threads: 1, memoryLimitBytes: 16 * 1024 * 1024 },
      logger: {
        log(_level, event, fields) {
          if (event === 'storage.duckdb_memory_raised') raised.push(fields?.work);
        },
      },
    });
    await ingestFlushed(pipeline, 5, 40, () => ({ input: 'q'.repeat(4_000), output: 'a' }));
    await pipeline.close();

    // Each of the five flushes, and any the close adds.
    expect(raised.filter((w) => w === 'flush').length).toBeGreaterThanOrEqual(5);
    expect(raised).toContain('compaction');
    const manifest = await manifestOf(dir);
    expect(manifest.files.filter((f) => f.table === 'spans')).toHaveLength(1);
    const [count] = await queryTable(
      dir,
      'spans',
      'SELECT count(*)::INTEGER AS n, count(DISTINCT span_id)::INTEGER AS d FROM t',
    );
    expect(count).toEqual({ n: 200, d: 200 });
    const [messages] = await queryTable(dir, 'messages', 'SELECT count(*)::INTEGER AS n FROM t');
    expect(messages).toEqual({ n: 400 });
  });

  it('reads a data dir of schema version 1 and gives its summary rows a session_key when merging', async () => {
    const dir = await dataDir();
    const batch = async (pipeline: Awaited<ReturnType<typeof openPipeline>>, n: number): Promise<void> => {
      await pipeline.ingest({
        signal: 'traces',
        spans: [
          span({ trace: n * 10 + 1, span: n * 10 + 1, startUs: BASE_US + n, session: `s${n % 2}` }),
          span({ trace: n * 10 + 2, span: n * 10 + 2, startUs: BASE_US + n }),
        ],
      });
      await pipeline.flush();
    };
    const first = await openPipeline(dir, { compaction: { minFiles: 99 } });
    await batch(first, 1);
    await batch(first, 2);
    await first.close();
    // Back to what version 1 wrote: summaries without the column, and the manifest's version.
    const manifest = await manifestOf(dir);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    for (const f of manifest.files.filter((file) => file.table === 'sessions')) {
      const path = join(dir, f.path);
      await conn.run(
        `COPY (SELECT * EXCLUDE (session_key) FROM read_parquet('${path}')) TO '${path}.v1' (FORMAT parquet)`,
      );
      await writeFile(path, await readFile(`${path}.v1`));
      f.bytes = (await stat(path)).size;
    }
    conn.closeSync();
    instance.closeSync();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, schema_version: 1 }));

    const second = await openPipeline(dir, { compaction: { minFiles: 3 } });
    await batch(second, 3);
    await second.close();
    expect((await manifestOf(dir)).schema_version).toBe(SCHEMA_VERSION);
    expect(await parquetOnDisk(dir, 'sessions')).toBe(1);
    const rows = await queryTable(
      dir,
      'sessions',
      `SELECT count(*)::INTEGER AS n, count(DISTINCT session_key)::INTEGER AS keys,
         count(*) FILTER (session_key IS DISTINCT FROM ${sessionKeyHashSql('session_id', 'trace_id')})::INTEGER AS wrong FROM t`,
    );
    // Two sessions and three sessionless traces, each its own key.
    expect(rows).toEqual([{ n: 5, keys: 5, wrong: 0 }]);
  });

  it('refuses a data dir of a schema version it does not know, and leaves its manifest as it was', async () => {
    for (const version of [0, SCHEMA_VERSION + 1]) {
      const dir = await dataDir();
      const text = JSON.stringify({ schema_version: version, updated_at: '', files: [] });
      await writeFile(join(dir, 'manifest.json'), text);
      await expect(openPipeline(dir)).rejects.toThrow(
        new RegExp(`schema_version ${version}, expected 1 to ${SCHEMA_VERSION}`),
      );
      expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe(text);
    }
  });
});

describe('retention', () => {
  it('drops hour partitions and summary days older than the retention window, manifest first', async () => {
    const dir = await dataDir();
    const nowUs = Date.now() * 1000;
    const dayUs = 86_400_000_000;
    const a = await openPipeline(dir, { retentionDays: 7 });
    await a.ingest({
      signal: 'traces',
      spans: [
        span({ trace: 1, span: 1, startUs: nowUs - 10 * dayUs, session: 'old' }),
        span({ trace: 2, span: 2, startUs: nowUs - 6 * dayUs, session: 'kept' }),
        span({ trace: 3, span: 3, startUs: nowUs - 60_000_000, session: 'new' }),
      ],
    });
    await a.close();
    expect((await manifestOf(dir)).files.filter((f) => f.table === 'spans')).toHaveLength(3);

    const logged: Array<Record<string, unknown>> = [];
    const b = await openPipeline(dir, {
      retentionDays: 7,
      logger: {
        log: (_level, event, fields = {}) => void (event === 'storage.retention' && logged.push(fields)),
      },
    });
    await b.close();
    // What went, for the operator: files (its span hour and summary day), rows, the cutoff, partitions.
    const oldDay = new Date((nowUs - 10 * dayUs) / 1000).toISOString().slice(0, 10);
    expect(logged).toEqual([
      expect.objectContaining({ files_removed: 2, rows_removed: 2, partitions: 2, oldest: `date=${oldDay}` }),
    ]);
    expect(Date.parse(String(logged[0]?.older_than))).toBeCloseTo(nowUs / 1000 - 7 * 86_400_000, -6);
    const sessions = await queryTable(dir, 'spans', 'SELECT session_id FROM t ORDER BY 1');
    expect(sessions.map((r) => r.session_id)).toEqual(['kept', 'new']);
    expect(await parquetOnDisk(dir, 'spans')).toBe(2);
    expect(await parquetOnDisk(dir, 'sessions')).toBe(2);
  });
});
