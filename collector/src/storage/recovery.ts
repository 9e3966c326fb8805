/**
 * Start-up: make the disk agree with the manifest, the commit record. Files this writer published
 * without reaching the manifest are orphans of an interrupted flush or compaction and go; WAL
 * segments the manifest says are materialized go; the rest is replayed. Files the manifest names
 * that are not on disk (a restore that missed some, a clean-up by hand) are reported, for the
 * caller to take out of the manifest: left in, every reader of them fails.
 */
import { open, readdir, rename } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Manifest, ManifestFile } from '@parley/shared/manifest';
import { removeIfExists } from './durable-fs.ts';
import type { WriterState } from './manifest-store.ts';
import { listSegments, truncateToValidRecords } from './wal-segments.ts';
import type { Segment } from './wal-segments.ts';

export interface PendingSegment extends Segment {
  bytes: number;
  items: number;
}

export interface Recovered {
  /** WAL segments still to materialize, in order, with their verified size and item count. */
  pending: PendingSegment[];
  nextSeq: number;
  orphanFiles: number;
  /** Files the manifest names that the disk lacks. */
  missingFiles: ManifestFile[];
  tornBytes: number;
  /** Bytes dropped after a record that failed its checksum (damage, not a torn write). */
  corruptBytes: number;
  /** Segments in the NDJSON format of earlier versions, renamed aside (LEGACY_SUFFIX), not replayed. */
  legacySegments: string[];
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
  /** False while another thread appends to the WAL: its tail is then in use, not torn. */
  repairWal: boolean,
): Promise<Recovered> {
  const listed = new Set(manifest.files.map((f) => join(root, ...f.path.split('/'))));
  let orphanFiles = 0;
  const onDisk = new Set<string>();
  for (const table of ['spans', 'messages', 'sessions']) {
    for (const path of await filesUnder(join(root, table))) {
      onDisk.add(path);
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

  const missingFiles = manifest.files.filter((f) => !onDisk.has(join(root, ...f.path.split('/'))));

  const carries = new Set(state.carries.map((c) => c.seq));
  let maxSeq = state.wal_committed;
  const pending: PendingSegment[] = [];
  let tornBytes = 0;
  let corruptBytes = 0;
  const legacySegments: string[] = [];
  for (const segment of await listSegments(walDir)) {
    const stale = segment.kind === 'wal' ? segment.seq <= state.wal_committed : !carries.has(segment.seq);
    if (stale) {
      await removeIfExists(segment.path);
      continue;
    }
    if (segment.kind === 'carry' || !repairWal) continue;
    maxSeq = Math.max(maxSeq, segment.seq);
    if (await isLegacySegment(segment.path)) {
      // Rows acknowledged by a collector before the framed WAL: kept aside, never cut as corrupt.
      const kept = `${segment.path}${LEGACY_SUFFIX}`;
      await rename(segment.path, kept);
      legacySegments.push(kept);
      continue;
    }
    const scan = await truncateToValidRecords(segment.path);
    if (scan.problem === 'corrupt') corruptBytes += scan.cutBytes;
    else tornBytes += scan.cutBytes;
    pending.push({ ...segment, bytes: scan.bytes, items: scan.items });
  }
  for (const path of await filesUnder(walDir)) {
    if (path.endsWith('.tmp')) await removeIfExists(path);
  }
  return { pending, nextSeq: maxSeq + 1, orphanFiles, missingFiles, tornBytes, corruptBytes, legacySegments };
}

export const LEGACY_SUFFIX = '.legacy-ndjson';

/**
 * Earlier versions logged normalized rows as NDJSON (`{"k":"s",…`). Read as a frame, those bytes
 * give a length of ~577 MB, larger than any record, so the two formats cannot be confused.
 */
async function isLegacySegment(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.toString('latin1') === '{"k":"';
  } finally {
    await handle.close();
  }
}
