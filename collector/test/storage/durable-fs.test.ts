import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/storage/durable-fs.ts';
import { tempDir } from './harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function base(): Promise<string> {
  const dir = await tempDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

describe('makeDirs', () => {
  it('makes every missing level, and accepts a directory that exists', async () => {
    const root = await base();
    await makeDirs(join(root, 'a', 'b', 'c'));
    expect((await stat(join(root, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    await mkdir(join(root, 'x'));
    await makeDirs(join(root, 'x'));
  });

  it('names a file in the way, and makes nothing below it', async () => {
    const root = await base();
    await writeFile(join(root, 'f'), 'x');
    await expect(makeDirs(join(root, 'f', 'g'))).rejects.toMatchObject({
      code: 'ENOTDIR',
      message: `${join(root, 'f')} is not a directory`,
    });
  });

  it('fails at once under /proc, where a recursive mkdir never returns', async () => {
    await expect(makeDirs('/proc/parley-test/data/_wal')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
