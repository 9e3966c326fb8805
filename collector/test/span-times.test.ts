/**
 * Spans whose times cannot be believed, against the real collector: one sent without any time and
 * one from a clock in year 5138 are stored at the time they were received, with a problem saying
 * so, in an hour partition retention treats like any other; minutes of clock skew are kept.
 */
import fs from 'node:fs/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startTestCollector, type TestCollector } from './helpers/collector.ts';
import { post, tempDir } from './helpers/http.ts';
import { queryTable, readManifest } from './helpers/parquet.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const TRACE = '5a1e0000000000000000000000000001';
const NS_PER_MS = 1_000_000n;
const YEAR_5138_MS = Date.UTC(5138, 2, 4, 5, 6, 7);

function spanJson(spanId: string, name: string, times: { start?: bigint; end?: bigint }): object {
  return {
    traceId: TRACE,
    spanId,
    name,
    kind: 1,
    ...(times.start === undefined ? {} : { startTimeUnixNano: String(times.start) }),
    ...(times.end === undefined ? {} : { endTimeUnixNano: String(times.end) }),
  };
}

let dataDir: string;
const running: TestCollector[] = [];
afterAll(async () => {
  for (const c of running) await c.close().catch(() => undefined);
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('span times the collector cannot believe', () => {
  it('dates a span without times, or from a clock years ahead, by its receipt, and keeps it', async () => {
    dataDir = await tempDir();
    const first = await startTestCollector({ dataDir, retentionDays: 7 });
    running.push(first);
    const nowNs = BigInt(Date.now()) * NS_PER_MS;
    const skewNs = 5n * 60_000n * NS_PER_MS;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'clocks' } }] },
          scopeSpans: [
            {
              scope: { name: 'test' },
              spans: [
                spanJson('0000000000000001', 'no-time', {}),
                spanJson('0000000000000002', 'year-5138', {
                  start: BigInt(YEAR_5138_MS) * NS_PER_MS,
                  end: BigInt(YEAR_5138_MS + 1500) * NS_PER_MS,
                }),
                spanJson('0000000000000003', 'five-minutes-ahead', {
                  start: nowNs + skewNs,
                  end: nowNs + skewNs + 1000n,
                }),
              ],
            },
          ],
        },
      ],
    };
    const before = Date.now();
    const reply = await post(`${first.url}/v1/traces`, Buffer.from(JSON.stringify(body)), {
      'Content-Type': 'application/json',
    });
    const after = Date.now();
    expect(reply.status).toBe(200);
    await first.pipeline.flush();
    await first.close();

    // Retention runs when the collector starts: a span stored at 1970 went there.
    const second = await startTestCollector({ dataDir, retentionDays: 7 });
    running.push(second);
    await second.pipeline.flush();
    const rows = await queryTable(
      dataDir,
      'spans',
      `SELECT name, epoch_us(start_time) AS start_us, epoch_us(end_time) AS end_us, problems
       FROM {table} ORDER BY span_id`,
    );
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect([...byName.keys()]).toEqual(['no-time', 'year-5138', 'five-minutes-ahead']);

    const received = (name: string): number => Number(byName.get(name)?.start_us) / 1000;
    for (const name of ['no-time', 'year-5138']) {
      expect(received(name)).toBeGreaterThanOrEqual(before);
      expect(received(name)).toBeLessThanOrEqual(after);
    }
    const duration = (name: string): number =>
      Number(byName.get(name)?.end_us) - Number(byName.get(name)?.start_us);
    expect(duration('no-time')).toBe(0);
    expect(duration('year-5138')).toBe(1_500_000);
    const problems = (name: string): Array<{ code: string; message: string }> =>
      JSON.parse(String(byName.get(name)?.problems ?? '[]')) as Array<{ code: string; message: string }>;
    expect(problems('no-time').map((p) => p.code)).toContain('time_from_receipt');
    expect(problems('year-5138')).toContainEqual({
      code: 'future_time',
      field: 'start_time',
      message: expect.stringContaining('start_time 5138-03-04T05:06:07.000000Z is more than a day after'),
    });
    expect(Number(byName.get('five-minutes-ahead')?.start_us)).toBe(Number((nowNs + skewNs) / 1000n));
    expect(byName.get('five-minutes-ahead')?.problems).toBeNull();

    // Every span file is in an hour of this run: none at 1970, none in year 5138.
    const hours = new Set(
      [before, after + 5 * 60_000].map((ms) => {
        const iso = new Date(ms).toISOString();
        return `date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
      }),
    );
    const partitions = (await readManifest(dataDir)).files
      .filter((f) => f.table === 'spans')
      .map((f) => f.path.split('/').slice(1, 3).join('/'));
    expect(partitions.length).toBeGreaterThan(0);
    for (const partition of partitions) expect(hours).toContain(partition);
  });
});
