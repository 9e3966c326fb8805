/**
 * The real CLI as a child process: kill -9 during sustained ingest, restart, and every
 * acknowledged span is stored exactly once in readable Parquet; SIGTERM flushes and exits 0.
 */
import fs from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnCollector, type ChildCollector } from './helpers/collector.ts';
import { post, tempDir } from './helpers/http.ts';
import { CONTENT_TYPE, makeSimpleSpans, spanIds, tracesBody } from './helpers/otlp-bodies.ts';
import { allParquetFiles, parquetRowCount, queryTable } from './helpers/parquet.ts';

// Real servers, DuckDB and child processes on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

// These tests read Parquet right after SIGTERM: shutdown must write everything, however slow the machine.
const FAST_FLUSH = {
  PARLEY_FLUSH_SPANS: '400',
  PARLEY_FLUSH_INTERVAL_MS: '100',
  PARLEY_SHUTDOWN_DRAIN_MS: '600000',
};
const dirs: string[] = [];
const children: ChildCollector[] = [];

afterEach(async () => {
  for (const c of children.splice(0))
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<ChildCollector> {
  const collector = await spawnCollector(dataDir, FAST_FLUSH);
  children.push(collector);
  return collector;
}

interface Batch {
  ids: string[];
  body: Uint8Array;
}

async function batches(count: number, size: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for (let i = 0; i < count; i++) {
    const spans = await makeSimpleSpans(size, `crash-${i}`);
    out.push({ ids: spanIds(spans), body: tracesBody(spans, 'protobuf') });
  }
  return out;
}

async function spanIdCounts(dataDir: string): Promise<Map<string, number>> {
  const rows = await queryTable(
    dataDir,
    'spans',
    'SELECT span_id, count(*)::INTEGER AS n FROM {table} GROUP BY span_id',
  );
  return new Map(rows.map((r) => [String(r.span_id), Number(r.n)]));
}

describe('process-level durability', () => {
  it('kill -9 mid-stream: every acknowledged span present exactly once, every file readable', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const work = await batches(80, 50);
    const acked = new Set<string>();
    const first = await start(dataDir);

    let next = 0;
    let killed = false;
    const client = async (): Promise<void> => {
      while (next < work.length) {
        const batch = work[next++] as Batch;
        let status: number;
        try {
          status = (
            await post(`${first.url}/v1/traces`, batch.body, { 'Content-Type': CONTENT_TYPE.protobuf })
          ).status;
        } catch {
          return; // the collector is gone
        }
        if (status === 200) for (const id of batch.ids) acked.add(id);
        if (!killed && acked.size >= 1500) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([client(), client(), client()]);
    expect(killed).toBe(true);
    expect(await first.exited).toBe('SIGKILL');

    const second = await start(dataDir);
    second.child.kill('SIGTERM');
    expect(await second.exited, JSON.stringify(second.logs)).toBe(0);

    const counts = await spanIdCounts(dataDir);
    const missing = [...acked].filter((id) => counts.get(id) !== 1);
    expect(missing).toEqual([]);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    const files = await allParquetFiles(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(await parquetRowCount(file)).toBeGreaterThan(0);
  }, 120_000);

  it('SIGTERM: stops, flushes everything acknowledged, writes the manifest, exits 0', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const collector = await spawnCollector(dataDir, {
      PARLEY_FLUSH_SPANS: '100000',
      PARLEY_FLUSH_INTERVAL_MS: '600000',
      PARLEY_SHUTDOWN_DRAIN_MS: '600000',
    });
    children.push(collector);
    const [a, b] = await batches(2, 25);
    for (const batch of [a, b] as Batch[]) {
      const reply = await post(`${collector.url}/v1/traces`, batch.body, {
        'Content-Type': CONTENT_TYPE.protobuf,
      });
      expect(reply.status).toBe(200);
    }
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
    expect(collector.logs.map((l) => l.event)).toContain('shutdown_complete');
    const counts = await spanIdCounts(dataDir);
    expect([...counts.keys()].sort()).toEqual([...(a as Batch).ids, ...(b as Batch).ids].sort());
  }, 60_000);

  it('SIGINT delivered twice (Ctrl-C under npm start, whose parent forwards it): still a clean stop', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const collector = await start(dataDir);
    const [batch] = await batches(1, 10);
    const reply = await post(`${collector.url}/v1/traces`, (batch as Batch).body, {
      'Content-Type': CONTENT_TYPE.protobuf,
    });
    expect(reply.status).toBe(200);
    // The terminal's SIGINT, then the parent's copy once the collector has taken the first (two
    // kills at once would reach it as one pending signal).
    collector.child.kill('SIGINT');
    while (!collector.logs.some((l) => l.event === 'signal')) await new Promise((r) => setTimeout(r, 5));
    collector.child.kill('SIGINT');
    expect(await collector.exited).toBe(0);
    const events = collector.logs.map((l) => l.event);
    expect(events).toContain('shutdown_complete');
    expect(events).not.toContain('forced_exit');
    expect([...(await spanIdCounts(dataDir)).keys()].sort()).toEqual([...(batch as Batch).ids].sort());
  }, 60_000);

  it('refuses bad configuration with exit code 2 and a message', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    await expect(spawnCollector(dataDir, { PARLEY_MAX_BODY: 'lots' })).rejects.toThrow(/exited with 2/);
  });
});
