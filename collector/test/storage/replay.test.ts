import { appendFile, mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeTraces } from '@parley/shared/otlp/decode';
import { createLogger } from '../../src/log.ts';
import { frameRecord } from '../../src/storage/wal-frame.ts';
import { BASE_US, span, tracesJsonBody } from './otlp-builders.ts';
import { manifestOf, openPipeline, queryTable, tempDir } from './harness.ts';
import type { Pipeline } from '../../src/pipeline-types.ts';

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

async function ingestSpans(pipeline: Pipeline, from: number, count: number): Promise<void> {
  const spans = Array.from({ length: count }, (_, i) =>
    span({ trace: from + i, span: from + i, startUs: BASE_US + i, session: `s${i % 3}` }),
  );
  expect(await pipeline.ingest({ signal: 'traces', spans })).toEqual({ ok: true, accepted: count });
}

/** Copies of the WAL segments as they are now (what a crash before their deletion leaves). */
async function saveSegments(dir: string): Promise<Array<{ name: string; data: Buffer }>> {
  const wal = join(dir, '_wal');
  const names = (await readdir(wal)).filter((n) => n.endsWith('.wal'));
  return Promise.all(names.map(async (name) => ({ name, data: await readFile(join(wal, name)) })));
}

async function restoreSegments(dir: string, saved: Array<{ name: string; data: Buffer }>): Promise<void> {
  await mkdir(join(dir, '_wal'), { recursive: true });
  for (const s of saved) await writeFile(join(dir, '_wal', s.name), s.data);
}

async function parquetOnDisk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function spanCount(dir: string): Promise<{ n: number; d: number }> {
  const [row] = await queryTable(
    dir,
    'spans',
    'SELECT count(*)::INTEGER AS n, count(DISTINCT span_id)::INTEGER AS d FROM t',
  );
  return row as { n: number; d: number };
}

describe('replay', () => {
  it('does not duplicate rows when a crash hit after the manifest commit, before segment deletion', async () => {
    const dir = await dataDir();
    const a = await openPipeline(dir);
    await ingestSpans(a, 1, 40);
    const saved = await saveSegments(dir);
    await a.close();
    await restoreSegments(dir, saved);

    const b = await openPipeline(dir);
    await b.close();
    expect(await spanCount(dir)).toEqual({ n: 40, d: 40 });
    expect((await readdir(join(dir, '_wal'))).filter((n) => n.endsWith('.wal'))).toEqual([]);
  });

  it('removes unlisted files and replays when a crash hit after the Parquet write, before the manifest', async () => {
    const dir = await dataDir();
    const a = await openPipeline(dir);
    await ingestSpans(a, 1, 25);
    await a.flush();
    const manifestBefore = await readFile(join(dir, 'manifest.json'));
    await ingestSpans(a, 100, 30);
    const saved = await saveSegments(dir);
    await a.close();
    // Back to the state just before the commit of the second flush: its files exist, unlisted.
    await writeFile(join(dir, 'manifest.json'), manifestBefore);
    await restoreSegments(dir, saved);
    const unlisted = (await parquetOnDisk(dir)).filter((p) => !manifestBefore.toString().includes(p));
    expect(unlisted.length).toBeGreaterThan(0);

    const b = await openPipeline(dir);
    await b.close();
    expect(await spanCount(dir)).toEqual({ n: 55, d: 55 });
    const listed = (await manifestOf(dir)).files.map((f) => f.path).sort();
    expect(await parquetOnDisk(dir)).toEqual(listed);
  });

  it('replays a segment whose last record is torn, keeping every complete record', async () => {
    const source = await dataDir();
    const a = await openPipeline(source);
    await ingestSpans(a, 1, 12);
    await ingestSpans(a, 50, 8);
    const saved = await saveSegments(source);
    await a.close();

    const dir = await dataDir();
    await restoreSegments(dir, saved);
    // The newest segment holding records (an empty one is also prepared ahead of use).
    const last = saved
      .filter((s) => s.data.length > 0)
      .map((s) => s.name)
      .sort()
      .at(-1) as string;
    await appendFile(
      join(dir, '_wal', last),
      '{"k":"s","trace_id":"00000000000000000000000000000abc","span_id":"0000',
    );

    const b = await openPipeline(dir);
    await b.close();
    expect(await spanCount(dir)).toEqual({ n: 20, d: 20 });
  });

  it('replays raw-body records up to one whose checksum fails, and reports the damage', async () => {
    const source = await dataDir();
    const a = await openPipeline(source);
    for (const from of [1, 100, 200]) {
      const body = tracesJsonBody(
        Array.from({ length: 5 }, (_, i) => span({ trace: from + i, span: from + i, startUs: BASE_US + i })),
      );
      const decoded = decodeTraces(body, 'json');
      if (!decoded.ok) throw new Error(decoded.error);
      const request = {
        signal: 'traces' as const,
        raw: { body, encoding: 'json' as const },
        items: decoded.value.length,
      };
      expect(await a.ingest(request)).toEqual({ ok: true, accepted: 5 });
    }
    const saved = await saveSegments(source);
    await a.close();
    // One segment holds the three requests (the other is the empty one prepared next).
    const written = saved.filter((s) => s.data.length > 0);
    expect(written).toHaveLength(1);

    const dir = await dataDir();
    const segment = written[0] as { name: string; data: Buffer };
    // Damage the last record's body: the reader must not trust it (nor anything after it).
    const damaged = Buffer.from(segment.data);
    damaged[damaged.length - 20] = (damaged[damaged.length - 20] as number) ^ 0x01;
    await restoreSegments(dir, [{ name: segment.name, data: damaged }]);

    const events: string[] = [];
    const logger = createLogger('info', (line) => events.push((JSON.parse(line) as { event: string }).event));
    const b = await openPipeline(dir, { logger });
    await b.close();
    expect(await spanCount(dir)).toEqual({ n: 10, d: 10 });
    expect(events).toContain('storage.wal_corrupt');
  });

  it('keeps a segment of the earlier NDJSON format aside instead of cutting it as corrupt', async () => {
    const dir = await dataDir();
    const legacy = '{"k":"s","trace_id":"t1","span_id":"s1"}\n{"k":"m","rq":1,"trace_id":"t1"}\n';
    await restoreSegments(dir, [{ name: '000000000001.wal', data: Buffer.from(legacy) }]);
    const events: string[] = [];
    const logger = createLogger('info', (line) => events.push((JSON.parse(line) as { event: string }).event));
    const a = await openPipeline(dir, { logger });
    await ingestSpans(a, 1, 3);
    await a.close();
    expect(events).toContain('storage.wal_legacy');
    expect(events).not.toContain('storage.wal_corrupt');
    expect(await readFile(join(dir, '_wal', '000000000001.wal.legacy-ndjson'), 'utf8')).toBe(legacy);
    expect(await spanCount(dir)).toEqual({ n: 3, d: 3 });
  });

  it('dates a timeless span of a record from before receipt times by its segment file', async () => {
    const dir = await dataDir();
    const timeless = { ...span({ trace: 7, span: 7, startUs: 0 }), endTimeUs: 0 };
    // The earlier record layout (no receipt time), as a collector before this one left it.
    const body = Buffer.from(JSON.stringify([timeless]));
    await restoreSegments(dir, [
      {
        name: '000000000001.wal',
        data: Buffer.concat(frameRecord({ signal: 'traces', encoding: 'decoded', items: 1, body })),
      },
    ]);
    const writtenMs = Date.UTC(2026, 10, 27, 18, 30, 15, 250);
    await utimes(join(dir, '_wal', '000000000001.wal'), writtenMs / 1000, writtenMs / 1000);
    const a = await openPipeline(dir);
    await a.close();
    const rows = await queryTable(dir, 'spans', 'SELECT epoch_us(start_time) AS us, problems FROM t');
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.us)).toBe(writtenMs * 1000);
    expect(String(rows[0]?.problems)).toContain('time_from_receipt');
  });

  it('a second start on a clean data dir changes nothing', async () => {
    const dir = await dataDir();
    const a = await openPipeline(dir);
    await ingestSpans(a, 1, 10);
    await a.close();
    const before = await manifestOf(dir);
    const b = await openPipeline(dir);
    await b.close();
    const after = await manifestOf(dir);
    expect(after.files).toEqual(before.files);
  });
});
