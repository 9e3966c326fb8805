import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    for (const stale of [`${deadPid()} 123\n`, `${process.pid} -\n`, 'not a pid\n']) {
      await writeFile(lock, stale);
      const again = await openPipeline(dir);
      expect(await readFile(lock, 'utf8')).not.toBe(stale);
      await again.close();
    }
  });
});
