import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spawnCollector } from './helpers/collector.ts';
import { tempDir } from './helpers/http.ts';

/** Name and nice value of each thread of a process (Linux). */
function threads(pid: number): Array<{ name: string; nice: number }> {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(),
      // Field 19 of stat is the nice value; fields here start at field 3.
      nice: Number(fields[16]),
    };
  });
}

describe('thread priorities', () => {
  it('runs ingest (main thread, WAL sync thread) ahead of background work (materializer, libuv pool)', async () => {
    const collector = await spawnCollector(await tempDir());
    try {
      const pid = collector.child.pid as number;
      const all = threads(pid);
      const main = all.find((t) => t.name === 'MainThread' || t.name === 'node');
      expect(main).toBeDefined();
      const base = main?.nice ?? 0;
      const background = Math.min(19, base + 10);
      const pool = all.filter((t) => t.name === 'libuv-worker');
      expect(pool.length).toBeGreaterThan(0);
      expect(pool.every((t) => t.nice === background)).toBe(true);
      expect(all.filter((t) => t.name === 'V8Worker').every((t) => t.nice === base)).toBe(true);
      // Node names every worker thread alike: one is the WAL's (kept), one the materializer (lowered).
      const workers = all.filter((t) => t.name === 'WorkerThread').map((t) => t.nice);
      expect(workers.sort((a, b) => a - b)).toEqual([base, background]);
      expect(collector.logs.find((l) => l.event === 'listening')?.pool_threads_lowered).toBe(pool.length);
    } finally {
      collector.child.kill('SIGTERM');
      await collector.exited;
    }
  });
});
