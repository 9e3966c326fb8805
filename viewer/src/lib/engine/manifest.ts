/** Validates an untrusted manifest.json and picks the files a view or a session needs. */
import type { Manifest, ManifestFile } from '@parley/shared/manifest';
import { SCHEMA_VERSION, type TableName } from '@parley/shared/schema';
import type { EngineError, SourceCheck } from './api.ts';
import { engineError } from './errors.ts';
import { isoToUs, overlaps, type UsRange } from './time-range.ts';

/** A manifest entry with its times parsed. */
export interface CatalogFile {
  table: TableName;
  path: string;
  rows: number;
  bytes: number;
  minUs: number;
  maxUs: number;
  minSessionId: string | null;
  maxSessionId: string | null;
}

/** Said when the manifest's text is not JSON at all (an HTML page answered in its place). */
export const MANIFEST_NOT_JSON = 'manifest.json is not valid JSON.';

const TABLE_NAMES: readonly string[] = ['spans', 'messages', 'sessions'];

function isSafeRelativePath(p: string): boolean {
  return (
    p.length > 0 &&
    !p.startsWith('/') &&
    !p.includes('\\') &&
    !/^[a-z][a-z0-9+.-]*:/i.test(p) &&
    p.split('/').every((seg) => seg !== '..' && seg !== '.' && seg !== '')
  );
}

export function parseManifest(
  text: string,
): { ok: true; files: CatalogFile[]; schemaVersion: number } | { ok: false; error: EngineError } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: engineError('bad-manifest', MANIFEST_NOT_JSON) };
  }
  const m = raw as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || typeof m.schema_version !== 'number' || !Array.isArray(m.files)) {
    return { ok: false, error: engineError('bad-manifest', 'manifest.json lacks schema_version or files.') };
  }
  if (m.schema_version > SCHEMA_VERSION) {
    return {
      ok: false,
      error: engineError(
        'schema-too-new',
        `This snapshot uses schema version ${m.schema_version}; this viewer knows up to ${SCHEMA_VERSION}. Update the viewer.`,
      ),
    };
  }
  const files: CatalogFile[] = [];
  for (const f of m.files as unknown[]) {
    const e = f as Partial<ManifestFile> | null;
    if (
      !e ||
      typeof e !== 'object' ||
      typeof e.table !== 'string' ||
      !TABLE_NAMES.includes(e.table) ||
      typeof e.path !== 'string' ||
      !isSafeRelativePath(e.path) ||
      !e.path.endsWith('.parquet') ||
      typeof e.bytes !== 'number' ||
      typeof e.rows !== 'number' ||
      typeof e.min_time !== 'string' ||
      typeof e.max_time !== 'string'
    ) {
      return {
        ok: false,
        error: engineError(
          'bad-manifest',
          `manifest.json has an invalid file entry: ${JSON.stringify(f).slice(0, 200)}`,
        ),
      };
    }
    const minUs = isoToUs(e.min_time);
    const maxUs = isoToUs(e.max_time);
    if (Number.isNaN(minUs) || Number.isNaN(maxUs)) {
      return {
        ok: false,
        error: engineError('bad-manifest', `manifest.json has an invalid time in ${e.path}.`),
      };
    }
    files.push({
      table: e.table,
      path: e.path,
      rows: e.rows,
      bytes: e.bytes,
      minUs,
      maxUs,
      minSessionId: typeof e.min_session_id === 'string' ? e.min_session_id : null,
      maxSessionId: typeof e.max_session_id === 'string' ? e.max_session_id : null,
    });
  }
  return { ok: true, files, schemaVersion: m.schema_version };
}

export function filesInRange(
  files: readonly CatalogFile[],
  table: TableName,
  range: UsRange | null,
): CatalogFile[] {
  return files.filter((f) => f.table === table && overlaps(f.minUs, f.maxUs, range));
}

/**
 * Files of `table` that can hold rows of one session: time overlap with the session's extent and,
 * when the manifest records it, a session-id range containing the id. A sessionless trace
 * (sessionId null) can be in any file of its time range.
 */
export function filesForSession(
  files: readonly CatalogFile[],
  table: TableName,
  sessionId: string | null,
  extent: UsRange,
): CatalogFile[] {
  return filesInRange(files, table, extent).filter((f) => {
    if (sessionId === null || f.minSessionId === null || f.maxSessionId === null) return true;
    return f.minSessionId <= sessionId && sessionId <= f.maxSessionId;
  });
}

/** What changed between two catalogs of one source (see SourceCheck). */
export function compareCatalogs(before: readonly CatalogFile[], after: readonly CatalogFile[]): SourceCheck {
  const rows = (files: readonly CatalogFile[]): number =>
    files.reduce((n, f) => n + (f.table === 'sessions' ? 0 : f.rows), 0);
  const paths = new Set(before.map((f) => f.path));
  return {
    // Summaries are left out: compaction may rewrite them into a different number of rows.
    rowsAdded: rows(after) - rows(before),
    filesChanged: after.length !== before.length || after.some((f) => !paths.has(f.path)),
  };
}

export function extentOf(files: readonly CatalogFile[]): UsRange | null {
  if (files.length === 0) return null;
  return { fromUs: Math.min(...files.map((f) => f.minUs)), toUs: Math.max(...files.map((f) => f.maxUs)) };
}
