/**
 * Matches the entries of a picked snapshot's manifest.json to the files the user picked or
 * dropped. A picked folder gives each file its path inside it; files picked one by one (or
 * dropped without their folder) give only their names, which the collector keeps unique per data
 * directory (`<writer>-<seq>.parquet`), so a unique name is as good as a path.
 */
import type { EngineError } from './api.ts';

export interface ManifestMatch<T> {
  /** Manifest path -> the picked file holding it. */
  found: Map<string, T>;
  /** Manifest paths no picked file holds, in manifest order. */
  missing: string[];
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Names seen exactly once, each with its item; a repeated name matches nothing. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const seen = new Map<string, T | null>();
  for (const item of items) {
    const k = key(item);
    seen.set(k, seen.has(k) ? null : item);
  }
  const out = new Map<string, T>();
  for (const [k, item] of seen) if (item !== null) out.set(k, item);
  return out;
}

/**
 * `manifestName`: the picked manifest's name (`snap/manifest.json`, or `manifest.json`); entry
 * paths are relative to its folder. `nameOf`: a picked file's path, or its bare name.
 */
export function matchManifest<T>(
  entryPaths: readonly string[],
  picked: readonly T[],
  manifestName: string,
  nameOf: (file: T) => string,
): ManifestMatch<T> {
  const prefix = manifestName.slice(0, manifestName.length - 'manifest.json'.length);
  const byPath = new Map<string, T>();
  for (const f of picked) {
    const name = nameOf(f);
    if (name.includes('/') && name.startsWith(prefix)) byPath.set(name.slice(prefix.length), f);
  }
  const byName = uniqueBy(picked, (f) => baseName(nameOf(f)));
  const entryNames = uniqueBy(entryPaths, baseName);
  const found = new Map<string, T>();
  const missing: string[] = [];
  for (const path of entryPaths) {
    const name = baseName(path);
    const file = byPath.get(path) ?? (entryNames.has(name) ? byName.get(name) : undefined);
    if (file === undefined) missing.push(path);
    else found.set(path, file);
  }
  return { found, missing };
}

const SHOWN = 3;

/** Names what a picked snapshot lacks: how many files, the first few, and what to pick. */
export function missingFilesError(
  missing: readonly string[],
  listed: number,
  parquetPicked: number,
): EngineError {
  if (parquetPicked === 0)
    return {
      kind: 'missing-files',
      message: `Only manifest.json was picked: the ${listed} Parquet files it lists must be picked with it.`,
    };
  const shown = missing.slice(0, SHOWN).join(', ');
  const more = missing.length > SHOWN ? `, and ${missing.length - SHOWN} more` : '';
  return {
    kind: 'missing-files',
    message: `${missing.length} of the ${listed} files manifest.json lists ${missing.length === 1 ? 'was' : 'were'} not picked: ${shown}${more}.`,
  };
}
