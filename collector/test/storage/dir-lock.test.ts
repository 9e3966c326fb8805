import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lockDir } from '../../src/storage/dir-lock.ts';
import { openPipeline, tempDir } from './harness.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function dataDir(): Promise<string> {
  const dir = await tempDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('one writer per data dir', () => {
  it('refuses a second pipeline on a data dir in use, and opens once the first has closed', async () => {
    const dir = await dataDir();
    const first = await openPipeline(dir);
    let closed = false;
    cleanups.push(async () => {
      if (!closed) await first.close();
    });
    expect(await readFile(join(dir, '_wal', 'lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await expect(openPipeline(dir)).rejects.toThrow(/data dir .* is in use by process \d+/);
    await first.close();
    closed = true;
    const second = await openPipeline(dir);
    await second.close();
  });

  it('takes over the lock of a collector that died without releasing it', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    await pipeline.close();
    const lock = join(dir, '_wal', 'lock');
    const dead = deadPid();
    const cases: Array<[string, number | null]> = [
      [`${dead} 123\n`, dead],
      [`${process.pid} -\n`, process.pid],
      ['not a pid\n', null],
    ];
    for (const [stale, previous] of cases) {
      await writeFile(lock, stale);
      const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
      const again = await openPipeline(dir, {
        logger: { log: (_level, event, fields = {}) => void events.push({ event, fields }) },
      });
      expect(await readFile(lock, 'utf8')).not.toBe(stale);
      // Said in the log, with the pid the stale lock named.
      expect(
        events.filter((e) => e.event === 'storage.lock_taken_over').map((e) => e.fields.previous_pid),
      ).toEqual([previous]);
      await again.close();
    }
  });

  it('gives a stale lock to exactly one of several starts racing for it', async () => {
    const dir = await dataDir();
    const wal = join(dir, '_wal');
    await mkdir(wal, { recursive: true });
    for (let round = 0; round < 25; round++) {
      await writeFile(join(wal, 'lock'), `${deadPid()} 1\n`);
      const results = await Promise.all([1, 2, 3].map(() => lockDir(wal, dir)));
      const winners = results.flatMap((r) => (r.ok ? [r.lock] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && /in use by process/.test(r.error))).toBe(
        true,
      );
      for (const w of winners) await w.release();
      expect(await readdir(wal)).toEqual([]);
    }
  });

  it('clears a takeover left by a start that died during it', async () => {
    const dir = await dataDir();
    const wal = join(dir, '_wal');
    await mkdir(wal, { recursive: true });
    await writeFile(join(wal, 'lock'), `${deadPid()} 1\n`);
    await writeFile(join(wal, 'lock.takeover'), `${deadPid()} 1\n`);
    const r = await lockDir(wal, dir);
    expect(r.ok).toBe(true);
    if (r.ok) await r.lock.release();
    expect(await readdir(wal)).toEqual([]);
  });
});
