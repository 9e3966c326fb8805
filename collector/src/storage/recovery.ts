/**
 * Start-up: make the disk agree with the manifest, the commit record. Files this writer published
 * without reaching the manifest are orphans of an interrupted flush or compaction and go; WAL
 * segments the manifest says are materialized go; the rest is replayed.
 */
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Manifest } from '@parley/shared/manifest';
import { removeIfExists } from './durable-fs.ts';
import type { WriterState } from './manifest-store.ts';
import { listSegments, truncateTornTail } from './wal-segments.ts';
import type { Segment } from './wal-segments.ts';

export interface Recovered {
  /** Segments still to materialize, in order. */
  pending: Segment[];
  nextSeq: number;
  orphanFiles: number;
  tornBytes: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function recover(
  root: string,
  walDir: string,
  writerId: string,
  manifest: Manifest,
  state: WriterState,
): Promise<Recovered> {
  const listed = new Set(manifest.files.map((f) => join(root, ...f.path.split('/'))));
  let orphanFiles = 0;
  for (const table of ['spans', 'messages', 'sessions']) {
    for (const path of await filesUnder(join(root, table))) {
      const name = path.slice(path.lastIndexOf(sep) + 1);
      const ours = name.startsWith(`${writerId}-`);
      if (
        (ours && name.endsWith('.parquet.tmp')) ||
        (ours && name.endsWith('.parquet') && !listed.has(path))
      ) {
        await removeIfExists(path);
        orphanFiles++;
      }
    }
  }

  const carries = new Set(state.carries.map((c) => c.seq));
  let maxSeq = Math.max(state.wal_committed, ...state.carries.map((c) => c.seq));
  const pending: Segment[] = [];
  let tornBytes = 0;
  for (const segment of await listSegments(walDir)) {
    maxSeq = Math.max(maxSeq, segment.seq);
    const materialized = segment.seq <= state.wal_committed;
    const orphanCarry = segment.kind === 'carry' && !carries.has(segment.seq);
    if (materialized || orphanCarry) {
      await removeIfExists(segment.path);
      continue;
    }
    if (segment.kind === 'wal') tornBytes += await truncateTornTail(segment.path);
    pending.push(segment);
  }
  for (const path of await filesUnder(walDir)) {
    if (path.endsWith('.tmp')) await removeIfExists(path);
  }
  return { pending, nextSeq: maxSeq + 1, orphanFiles, tornBytes };
}
