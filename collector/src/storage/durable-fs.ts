/**
 * The few file-system steps durability rests on. A rename is only durable once the directory
 * holding it is fsynced, and a file's bytes only once the file is; every commit in storage goes
 * through these.
 */
import { mkdir, open, rename, rmdir, stat, unlink, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const fsyncDir = fsyncPath;

/**
 * `mkdir -p`, one level at a time, each new entry made durable. Node's recursive mkdir never
 * returns under /proc (it spins at full CPU), where a mistyped data dir or output can point.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = await stat(at).catch(() => null);
    if (found !== null) {
      if (!found.isDirectory())
        throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing) {
    await mkdir(level).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await fsyncDir(dirname(level));
  }
}

/** Write `data` to `path` so that a reader sees either the old file or the whole new one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

/** fsync a file someone else wrote (DuckDB), then move it into place durably. */
export async function publishFile(tmpPath: string, finalPath: string): Promise<void> {
  await fsyncPath(tmpPath);
  await rename(tmpPath, finalPath);
  await fsyncDir(dirname(finalPath));
}

export async function removeIfExists(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** Remove a data file, then its partition directories if that left them empty (never `root`). */
export async function removeDataFile(root: string, relPath: string): Promise<void> {
  await removeIfExists(join(root, relPath));
  let dir = dirname(relPath);
  while (dir !== '.' && dir.includes('/')) {
    const removed = await rmdir(join(root, dir)).then(
      () => true,
      () => false,
    );
    if (!removed) return;
    dir = dirname(dir);
  }
}
