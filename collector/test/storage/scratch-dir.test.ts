import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchDir } from '../../src/storage/scratch-dir.ts';
import { tempDir } from './harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

// Above any pid_max Linux allows (2^22): no process can have it.
const DEAD_PID = 4_194_305;

describe('materializer scratch directory', () => {
  it('is fresh per call and removes those left by processes that are gone', async () => {
    const wal = await tempDir();
    cleanups.push(wal.cleanup);
    const parents = existsSync('/dev/shm') ? ['/dev/shm', wal.path] : [wal.path];
    const stale = parents.map((p) => join(p, `parley-scratch-${DEAD_PID}-0badc0de`));
    const live = join(wal.path, `parley-scratch-${process.pid}-0000beef`);
    for (const dir of [...stale, live]) await mkdir(dir);

    const a = await createScratchDir(wal.path);
    const b = await createScratchDir(wal.path);
    cleanups.push(() => rm(a, { recursive: true, force: true }));
    cleanups.push(() => rm(b, { recursive: true, force: true }));
    for (const p of stale) cleanups.push(() => rm(p, { recursive: true, force: true }));

    expect(a).not.toBe(b);
    expect(existsSync(a) && existsSync(b)).toBe(true);
    expect(stale.filter((dir) => existsSync(dir))).toEqual([]);
    expect(existsSync(live)).toBe(true);
  });
});
