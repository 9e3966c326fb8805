/**
 * Retention by age: whole hour partitions older than the retention window leave the manifest,
 * then the disk. Decided from the partition path (the span start hour), not file times, so a
 * partition is dropped all at once for every table.
 */
import type { Manifest, ManifestFile } from '@parley/shared/manifest';

const PARTITION = /\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//;

/** Start of the file's partition hour in ms, or null for a path not in the hive layout. */
export function partitionStartMs(file: ManifestFile): number | null {
  const match = PARTITION.exec(file.path);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}T${match[2]}:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}

export function expiredFiles(manifest: Manifest, retentionDays: number, nowMs: number): ManifestFile[] {
  const cutoff = nowMs - retentionDays * 86_400_000;
  return manifest.files.filter((file) => {
    const start = partitionStartMs(file);
    // The whole hour must be older than the cutoff.
    return start !== null && start + 3_600_000 <= cutoff;
  });
}
