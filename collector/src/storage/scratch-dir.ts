/**
 * Where the materializer writes the NDJSON rows DuckDB reads: scratch, re-creatable from the WAL,
 * and large (~5 bytes per byte of protobuf). On the WAL's disk those writes stalled the WAL's
 * fsync, the ack path's only wait (fdatasync of 0.67 MB: 4 ms alone, 144 ms median beside a 50 MB
 * file writer). So they go to RAM (/dev/shm) where there is one, else next to the WAL.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { removeDirsOfGoneProcesses } from './process-alive.ts';

const SHM = '/dev/shm';
const MIN_SHM_FREE_BYTES = 1024 * 1024 * 1024;
const NAME = /^parley-scratch-(\d+)-[0-9a-f]+$/;

/** Scratch directories of processes that are gone (killed before they could remove theirs). */
function removeStale(parent: string): Promise<void> {
  return removeDirsOfGoneProcesses(parent, (name) => {
    const match = NAME.exec(name);
    return match ? Number(match[1]) : null;
  });
}

/** A fresh directory for this materializer; the caller removes it when done. */
export async function createScratchDir(walDir: string): Promise<string> {
  const unique = `parley-scratch-${process.pid}-${randomBytes(4).toString('hex')}`;
  await removeStale(walDir);
  // Containers often mount a 64 MB /dev/shm: a flush's rows would not fit, and every flush fail.
  const inRam = await statfs(SHM).then(
    (s) => s.bavail * s.bsize >= MIN_SHM_FREE_BYTES,
    () => false,
  );
  if (inRam) {
    try {
      await removeStale(SHM);
      const dir = join(SHM, unique);
      await mkdir(dir);
      return dir;
    } catch {
      // Not writable here: fall back to the WAL's disk.
    }
  }
  const dir = join(walDir, unique);
  await mkdir(dir, { recursive: true });
  return dir;
}
