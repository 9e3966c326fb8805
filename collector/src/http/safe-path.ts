/**
 * Maps a URL path below /data to a file inside the data directory, or to nothing. Every rule
 * errs on the side of 404: one percent-decoding, plain segments only, no hidden or internal files, and the
 * real path (symlinks resolved) must stay inside the real root.
 */
import fs from 'node:fs/promises';
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

export interface ResolvedFile {
  file: string;
  size: number;
  mtimeMs: number;
}

export async function resolveInside(root: string, relative: string): Promise<ResolvedFile | null> {
  try {
    const realRoot = await fs.realpath(root);
    const real = await fs.realpath(path.join(realRoot, relative));
    if (!real.startsWith(realRoot + path.sep)) return null;
    const stat = await fs.stat(real);
    if (!stat.isFile()) return null;
    return { file: real, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return null;
  }
}
