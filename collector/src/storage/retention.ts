/**
 * Retention by age: whole partitions older than the retention window leave the manifest, then the
 * disk. Decided from the partition path (the span start hour; the day for session summaries), not
 * file times, so a partition is dropped all at once for every table. A day of summaries goes when
 * its last hour does: until then it may still list sessions whose early spans are gone.
 */
import type { Manifest, ManifestFile } from '@parley/shared/manifest';

const PARTITION = /\/date=(\d{4}-\d{2}-\d{2})\/(?:hour=(\d{2})\/)?/;

/** The file's partition as [start, end) in ms, or null for a path not in the hive layout. */
export function partitionSpanMs(file: ManifestFile): { startMs: number; endMs: number } | null {
  const match = PARTITION.exec(file.path);
  if (!match) return null;
  const startMs = Date.parse(`${match[1]}T${match[2] ?? '00'}:00:00Z`);
  if (Number.isNaN(startMs)) return null;
  return { startMs, endMs: startMs + (match[2] === undefined ? 86_400_000 : 3_600_000) };
}

export function expiredFiles(manifest: Manifest, retentionDays: number, nowMs: number): ManifestFile[] {
  const cutoff = nowMs - retentionDays * 86_400_000;
  return manifest.files.filter((file) => {
    const span = partitionSpanMs(file);
    return span !== null && span.endMs <= cutoff;
  });
}
