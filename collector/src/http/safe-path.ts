/**
 * Maps a URL path below /data to a file inside the data directory, or to nothing. Every rule
 * errs on the side of 404: one percent-decoding, plain segments only, no hidden or internal files, and the
 * real path (symlinks resolved) must stay inside the real root.
 */
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';

// No leading '.' (hidden) or '_' (internal, like the WAL in _wal/, as in Hive/Spark layouts).
const SEGMENT = /^[A-Za-z0-9=-][A-Za-z0-9_=.-]*$/;

/** The relative path a request may name, or null. Pure. */
export function dataRelativePath(encodedPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
  } catch {
    return null;
  }
  const segments = decoded.split('/');
  if (!segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) return null;
  const relative = segments.join('/');
  if (relative === 'manifest.json' || (relative.endsWith('.parquet') && segments.length > 1)) return relative;
  return null;
}

export interface OpenedFile {
  /** Open for reading: headers and bytes come from this one file, even if its path is replaced meanwhile. */
  handle: FileHandle;
  size: number;
  /**
   * Changes whenever the file does: size, mtime and inode. The manifest is replaced by rename, so
   * each version has its own inode even when size and mtime (ms) happen to repeat.
   */
  version: string;
}

/** The file `relative` names inside `root`, opened; null if it is not a regular file in there. */
export async function openInside(root: string, relative: string): Promise<OpenedFile | null> {
  let handle: FileHandle | undefined;
  try {
    const realRoot = await fs.realpath(root);
    const real = await fs.realpath(path.join(realRoot, relative));
    if (!real.startsWith(realRoot + path.sep)) return null;
    handle = await fs.open(real, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      return null;
    }
    const version = [stat.size, Math.floor(stat.mtimeMs), stat.ino].map((n) => n.toString(36)).join('-');
    return { handle, size: stat.size, version };
  } catch {
    await handle?.close().catch(() => undefined);
    return null;
  }
}
