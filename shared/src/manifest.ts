/**
 * manifest.json: the only mutable object of a snapshot. Lists every Parquet file so readers
 * (the viewer over HTTP, which has no glob) pick only the files a time range needs.
 */
import type { TableName } from './schema.ts';

export interface ManifestFile {
  table: TableName;
  /** Relative POSIX path from the snapshot root, e.g. 'spans/date=2026-11-26/hour=05/w1a2b-000042.parquet'. */
  path: string;
  rows: number;
  bytes: number;
  /** Min span start_time / max span end_time in the file, ISO-8601 UTC with microseconds. */
  min_time: string;
  max_time: string;
  /** Distinct models in the file (spans/sessions tables), when cheap. */
  models?: string[];
  /** Lexicographic min/max session_id in the file (NULLs ignored), for pruning session look-ups. */
  min_session_id?: string | null;
  max_session_id?: string | null;
}

export interface Manifest {
  schema_version: number;
  /** ISO time of the last manifest write. */
  updated_at: string;
  files: ManifestFile[];
  /** Collector bookkeeping (WAL segments already materialized); readers ignore it. */
  writer?: Record<string, unknown>;
}
