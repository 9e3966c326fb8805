/**
 * Files the manifest names that are not on disk (a restore that missed some, a clean-up by hand, a
 * data directory deleted under a collector that then wrote its manifest). Left in the manifest,
 * every reader of them fails, compaction retries them forever and the start-up's reads trip on
 * them; so they leave the manifest, and the start says which.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '@parley/shared/manifest';

export async function missingFiles(dataDir: string, manifest: Manifest): Promise<string[]> {
  const missing: string[] = [];
  for (const file of manifest.files) {
    const found = await stat(join(dataDir, ...file.path.split('/'))).catch(() => null);
    if (found === null || !found.isFile()) missing.push(file.path);
  }
  return missing;
}

export function withoutFiles(manifest: Manifest, paths: readonly string[]): Manifest {
  const gone = new Set(paths);
  return { ...manifest, files: manifest.files.filter((f) => !gone.has(f.path)) };
}
