/**
 * Reading and atomically replacing manifest.json. The manifest write is the commit point of every
 * flush, compaction and retention pass: files it lists are complete and durable, and the writer
 * bookkeeping inside it says which WAL segments those files already contain.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest, ManifestFile } from '@parley/shared/manifest';
import { MIN_SCHEMA_VERSION, SCHEMA_VERSION } from '@parley/shared/schema';
import type { LateSession } from './call-completion.ts';
import { writeFileAtomic } from './durable-fs.ts';

export const MANIFEST_NAME = 'manifest.json';

export interface CarryRef {
  seq: number;
  /** Wall-clock ms when the oldest message in the carry segment was first held back. */
  since_ms: number;
}

/** Per-writer bookkeeping, stored under manifest.writer[writerId]. */
export interface WriterState {
  /** Every WAL segment with seq <= this is materialized in the listed files. */
  wal_committed: number;
  /** Carry segments produced by committed flushes and not yet materialized. */
  carries: CarryRef[];
  next_file_seq: number;
  /** Traces written without a session that have one now; their files are rewritten next (late-sessions.ts). */
  late_sessions: LateSession[];
}

export type LoadResult =
  /** `missing`: there is no manifest.json yet (a new data dir); `manifest` is the empty one. */
  { ok: true; manifest: Manifest; missing: boolean } | { ok: false; error: string };

export function emptyManifest(): Manifest {
  return { schema_version: SCHEMA_VERSION, updated_at: new Date(0).toISOString(), files: [] };
}

export async function loadManifest(root: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(join(root, MANIFEST_NAME), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: true, manifest: emptyManifest(), missing: true };
    return { ok: false, error: `cannot read ${MANIFEST_NAME}: ${(err as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${MANIFEST_NAME} is not valid JSON: ${(err as Error).message}` };
  }
  if (!isManifest(parsed)) return { ok: false, error: `${MANIFEST_NAME} does not have the manifest shape` };
  if (parsed.schema_version < MIN_SCHEMA_VERSION || parsed.schema_version > SCHEMA_VERSION) {
    return {
      ok: false,
      error: `${MANIFEST_NAME} has schema_version ${parsed.schema_version}, expected ${MIN_SCHEMA_VERSION} to ${SCHEMA_VERSION}`,
    };
  }
  return { ok: true, manifest: parsed, missing: false };
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.schema_version === 'number' && Array.isArray(m.files) && m.files.every(isManifestFile);
}

function isManifestFile(value: unknown): value is ManifestFile {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  return (
    (f.table === 'spans' || f.table === 'messages' || f.table === 'sessions') &&
    typeof f.path === 'string' &&
    typeof f.rows === 'number' &&
    typeof f.bytes === 'number' &&
    typeof f.min_time === 'string' &&
    typeof f.max_time === 'string'
  );
}

export function writerState(manifest: Manifest, writerId: string): WriterState {
  const raw = manifest.writer?.[writerId];
  if (typeof raw !== 'object' || raw === null)
    return { wal_committed: 0, carries: [], next_file_seq: 1, late_sessions: [] };
  const s = raw as Partial<WriterState>;
  return {
    wal_committed: typeof s.wal_committed === 'number' ? s.wal_committed : 0,
    carries: Array.isArray(s.carries) ? s.carries.filter((c) => typeof c?.seq === 'number') : [],
    next_file_seq: typeof s.next_file_seq === 'number' ? s.next_file_seq : 1,
    late_sessions: Array.isArray(s.late_sessions) ? s.late_sessions.flatMap(lateSession) : [],
  };
}

/**
 * A well-formed pending late session, or none. Malformed hours only narrow the rewrite: the entry
 * is kept without them, and its rewrite reads its whole days.
 */
function lateSession(value: unknown): LateSession[] {
  const l = value as Partial<LateSession> | null;
  const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((d) => typeof d === 'string');
  if (typeof l?.trace_id !== 'string' || typeof l.session_id !== 'string' || !strings(l.days)) return [];
  const entry: LateSession = { trace_id: l.trace_id, session_id: l.session_id, days: l.days };
  return [strings(l.hours) ? { ...entry, hours: l.hours } : entry];
}

export function withWriterState(manifest: Manifest, writerId: string, state: WriterState): Manifest {
  return { ...manifest, writer: { ...manifest.writer, [writerId]: state } };
}

export async function saveManifest(root: string, manifest: Manifest): Promise<Manifest> {
  const stamped: Manifest = {
    ...manifest,
    schema_version: SCHEMA_VERSION,
    updated_at: new Date().toISOString(),
  };
  await writeFileAtomic(join(root, MANIFEST_NAME), `${JSON.stringify(stamped, null, 1)}\n`);
  return stamped;
}
