/**
 * Late sessions: an agent run whose root span (the one carrying the session) came after
 * `--root-wait-ms` had its other spans written without a session, under their trace. Once the
 * root is written, the files holding those rows are rewritten with the session, so the run is one
 * session for every reader of the Parquet, the viewer and a snapshot alike:
 * - spans and messages: each file with such a row is written again with the session set
 *   (session_source 'trace' on spans, as inheritance within a batch gives);
 * - sessions: the trace's summary rows leave their day files, and the rows that moved are
 *   summarized again under their session into a new file (readers add up a session's rows).
 * The caller switches the manifest (old files out, new in, the pending list cleared) in one write
 * and deletes the old files after, as compaction does; until then, the pending list is part of the
 * committed writer state, so a crash in between only runs the rewrite again, and a rewrite that
 * finds nothing left to change changes nothing.
 */
import { join } from 'node:path';
import type { Manifest, ManifestFile } from '@parley/shared/manifest';
import { TABLES } from '@parley/shared/schema';
import type { TableName } from '@parley/shared/schema';
import type { LateSession } from './call-completion.ts';
import type { Duck } from './duck.ts';
import { removeIfExists } from './durable-fs.ts';
import { writePartitions } from './partition-writer.ts';
import type { PartitionWriteResult, WriteTarget } from './partition-writer.ts';
import { summariesFromSpansSql } from './session-summaries.ts';
import { columnList, quoted } from './table-layout.ts';

/** The pending traces as two parallel parameter lists ($2 trace ids, $3 session ids). */
const LATE_MAP = 'SELECT unnest($2::VARCHAR[]) AS late_trace, unnest($3::VARCHAR[]) AS late_session';

/** Rows of `file` (param $1) with the pending traces' sessions filled in. */
function sessionFilledSql(table: 'spans' | 'messages', onlyFilled: boolean): string {
  const columns = TABLES[table].map((c) => {
    if (c.name === 'session_id') return 'coalesce(src.session_id, late.late_session) AS session_id';
    if (c.name === 'session_source')
      return `CASE WHEN src.session_id IS NULL AND late.late_session IS NOT NULL THEN 'trace' ELSE src.session_source END AS session_source`;
    return `src.${quoted(c.name)}`;
  });
  return `(SELECT ${columns.join(', ')}
    FROM read_parquet($1, union_by_name = true) AS src LEFT JOIN (${LATE_MAP}) AS late ON src.trace_id = late.late_trace
    ${onlyFilled ? 'WHERE src.session_id IS NULL AND late.late_session IS NOT NULL' : ''})`;
}

/**
 * This writer's files that may hold the pending traces' rows, by table: span and message files of
 * their hours (or of their days, for a trace pending from before hours were kept), summary files
 * (day files) of their days.
 */
export function lateSessionCandidates(
  manifest: Manifest,
  writerId: string,
  pending: readonly LateSession[],
): Record<TableName, ManifestFile[]> {
  const days = new Set(pending.flatMap((p) => p.days));
  const hours = new Set(pending.flatMap((p) => p.hours ?? []));
  const wholeDays = new Set(pending.flatMap((p) => (p.hours === undefined ? p.days : [])));
  const out: Record<TableName, ManifestFile[]> = { spans: [], messages: [], sessions: [] };
  for (const file of manifest.files) {
    const at = /^[a-z]+\/date=(\d{4}-\d{2}-\d{2})\/(?:hour=(\d{2})\/)?/.exec(file.path);
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (at === null || !name.startsWith(`${writerId}-`)) continue;
    const [, day = '', hour] = at;
    const wanted = hour === undefined ? days.has(day) : wholeDays.has(day) || hours.has(`${day}T${hour}`);
    if (wanted) out[file.table].push(file);
  }
  return out;
}

export interface LateSessionRewrite {
  removed: ManifestFile[];
  added: ManifestFile[];
  /** Rows of spans that took a session. */
  spans: number;
}

/** Which of `files` hold a row of a pending trace without a session. */
async function filesToRewrite(
  duck: Duck,
  root: string,
  files: readonly ManifestFile[],
  params: readonly [readonly string[], readonly string[]],
): Promise<ManifestFile[]> {
  if (files.length === 0) return [];
  const byPath = new Map(files.map((f) => [join(root, f.path), f]));
  const hits = await duck.rows(
    `SELECT DISTINCT filename FROM read_parquet($1, filename = true, union_by_name = true)
     WHERE session_id IS NULL AND trace_id IN (SELECT late_trace FROM (${LATE_MAP}))`,
    [[...byPath.keys()], ...params],
  );
  return hits.flatMap((h) => byPath.get(String(h.filename)) ?? []);
}

/** Writes the replacement files; the caller commits them and removes `removed`. */
export async function rewriteLateSessions(
  duck: Duck,
  root: string,
  candidates: Record<TableName, ManifestFile[]>,
  pending: readonly LateSession[],
  target: WriteTarget,
): Promise<LateSessionRewrite> {
  const params = [pending.map((p) => p.trace_id), pending.map((p) => p.session_id)] as const;
  const result: PartitionWriteResult = { files: [], written: [] };
  const removed: ManifestFile[] = [];
  const pathsOf = (files: readonly ManifestFile[]): string[] => files.map((f) => join(root, f.path));
  try {
    const spanFiles = await filesToRewrite(duck, root, candidates.spans, params);
    let spans = 0;
    if (spanFiles.length > 0) {
      // Summaries of the rows that move, read before their files are replaced.
      const moved = sessionFilledSql('spans', true);
      const counted = await duck.rows(`SELECT count(*) AS n FROM ${moved}`, [pathsOf(spanFiles), ...params]);
      spans = Number(counted[0]?.n ?? 0);
      const summaries = `(SELECT ${columnList('sessions')} FROM (${summariesFromSpansSql(moved)}))`;
      await writePartitions(
        duck,
        'sessions',
        { sql: summaries, params: [pathsOf(spanFiles), ...params] },
        target,
        result,
      );
    }
    for (const table of ['spans', 'messages'] as const) {
      const files =
        table === 'spans' ? spanFiles : await filesToRewrite(duck, root, candidates.messages, params);
      // One file at a time: each was written once within the memory limit, so it is rewritten within it.
      for (const file of files) {
        await writePartitions(
          duck,
          table,
          { sql: sessionFilledSql(table, false), params: [pathsOf([file]), ...params] },
          target,
          result,
        );
        removed.push(file);
      }
    }
    for (const file of await filesToRewrite(duck, root, candidates.sessions, params)) {
      const kept = `(SELECT ${columnList('sessions')} FROM read_parquet($1, union_by_name = true)
        WHERE NOT (session_id IS NULL AND trace_id IN (SELECT late_trace FROM (${LATE_MAP}))))`;
      await writePartitions(
        duck,
        'sessions',
        { sql: kept, params: [pathsOf([file]), ...params] },
        target,
        result,
      );
      removed.push(file);
    }
    return { removed, added: result.files, spans };
  } catch (err) {
    for (const path of result.written) await removeIfExists(path);
    throw err;
  }
}
