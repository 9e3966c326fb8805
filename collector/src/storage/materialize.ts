/**
 * One flush: NDJSON row files (rows of sealed WAL segments, carries) -> Parquet files for spans,
 * messages and sessions, plus a carry
 * segment for log-derived messages still waiting for their span. Pure with respect to the
 * manifest: it returns what to commit, and the caller commits or throws the files away.
 */
import type { ManifestFile } from '@parley/shared/manifest';
import { MESSAGES_COLUMNS, SPANS_COLUMNS } from '@parley/shared/schema';
import type { Column } from '@parley/shared/schema';
import type { Duck } from './duck.ts';
import { publishFile, removeIfExists } from './durable-fs.ts';
import { writePartitions } from './partition-writer.ts';
import type { WriteTarget } from './partition-writer.ts';
import { forgetOld, rememberSpans } from './recent-spans.ts';
import type { RecentLimits } from './recent-spans.ts';
import { completeCalls } from './call-completion.ts';
import { summariesFromSpansSql } from './session-summaries.ts';
import { quoted } from './table-layout.ts';
import { WAL_COLUMNS_SQL } from './wal-record.ts';

/** DuckDB's JSON reader wants at least this object size; it rounds its buffers around it. */
const MIN_OBJECT_BYTES = 1024 * 1024;

export interface MaterializeInput {
  /** NDJSON row files (see encodeRows) holding span rows, and those holding message rows. */
  spanPaths: readonly string[];
  messagePaths: readonly string[];
  /**
   * The longest line in those files. One line holds one row, and a line DuckDB cannot read fails
   * the whole flush; but the bound is not free: DuckDB reserves read buffers from it (1 GiB
   * asked for 2 GiB up front; 64 MiB read a 40 MB line for ~44 MB more RSS), so each flush
   * passes the bound its own rows need.
   */
  maxLineBytes: number;
  nowMs: number;
  /** A log message whose span is unknown is held back at most this long, then written as is. */
  carryMaxAgeMs: number;
  recent: RecentLimits;
  target: WriteTarget;
  /** Where to write the carry segment, if one is needed (reserved lazily). */
  carryPath(): { seq: number; path: string };
}

export interface MaterializeOutput {
  files: ManifestFile[];
  /** Absolute paths of everything written (Parquet and carry), for clean-up on failure. */
  written: string[];
  spans: number;
  messages: number;
  carry: { seq: number; since_ms: number; rows: number } | null;
}

function walSelect(columns: readonly Column[]): string {
  return columns.map((c) => quoted(c.name)).join(', ');
}

/** Contract-typed select: WAL µs integers become TIMESTAMPs. */
function typedSelect(columns: readonly Column[]): string {
  return columns
    .map((c) =>
      c.type === 'TIMESTAMP' ? `make_timestamp(${quoted(c.name)}) AS ${quoted(c.name)}` : quoted(c.name),
    )
    .join(', ');
}

const MESSAGE_KEY = 'trace_id, span_id, source, direction, seq, content_hash';

export async function materialize(duck: Duck, input: MaterializeInput): Promise<MaterializeOutput> {
  const written: string[] = [];
  try {
    return await run(duck, input, written);
  } catch (err) {
    for (const path of written) await removeIfExists(path);
    throw err;
  } finally {
    for (const v of ['out_spans', 'out_messages']) await duck.run(`DROP VIEW IF EXISTS ${v}`);
    for (const t of ['b_spans', 'b_msgs', 'out_sessions']) await duck.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

/**
 * Heavy columns (attributes, message text) are held once: the WAL is parsed once per table
 * rather than into a shared staging table, fix-ups (completeCalls) touch light columns only, and
 * the typed outputs are views. Only the final sorted COPY handles whole rows (and may spill).
 */
async function run(duck: Duck, input: MaterializeInput, written: string[]): Promise<MaterializeOutput> {
  const { nowMs } = input;
  const objectBytes = Math.max(MIN_OBJECT_BYTES, Math.ceil(input.maxLineBytes) + 1);
  const readRows = (kind: 's' | 'm') =>
    `read_ndjson($1, columns = ${WAL_COLUMNS_SQL}, format = 'newline_delimited', ignore_errors = true,
                 maximum_object_size = ${objectBytes}) WHERE k = '${kind}'`;

  await duck.run(
    `CREATE OR REPLACE TEMP TABLE b_spans AS SELECT ${walSelect(SPANS_COLUMNS)} FROM ${readRows('s')}`,
    [input.spanPaths],
  );
  await duck.run(
    `CREATE OR REPLACE TEMP TABLE b_msgs AS
     SELECT ${walSelect(MESSAGES_COLUMNS)}, carried_since, rq, false AS carry FROM ${readRows('m')}`,
    [input.messagePaths],
  );
  // A client retrying a request whose ack was lost sends the same rows again: keep one copy.
  await duck.run(
    `DELETE FROM b_spans WHERE rowid NOT IN (SELECT min(rowid) FROM b_spans GROUP BY trace_id, span_id)`,
  );
  await duck.run(
    `DELETE FROM b_msgs WHERE rowid NOT IN (SELECT min(rowid) FROM b_msgs GROUP BY ${MESSAGE_KEY})`,
  );

  await completeCalls(duck);
  await rememberSpans(duck, 'b_spans', nowMs);
  // A log-record message whose span is still unknown waits (in a carry segment) for a while.
  await duck.run(
    `UPDATE b_msgs SET carry = true
     WHERE source = 'log' AND coalesce(carried_since, $1) > $2
       AND NOT EXISTS (SELECT 1 FROM recent_spans s WHERE s.trace_id = b_msgs.trace_id AND s.span_id = b_msgs.span_id)`,
    [nowMs, nowMs - input.carryMaxAgeMs],
  );

  await duck.run(
    `CREATE OR REPLACE TEMP VIEW out_spans AS SELECT ${typedSelect(SPANS_COLUMNS)} FROM b_spans`,
  );
  await duck.run(
    `CREATE OR REPLACE TEMP VIEW out_messages AS SELECT ${typedSelect(MESSAGES_COLUMNS)} FROM b_msgs WHERE NOT carry`,
  );
  await duck.run(`CREATE OR REPLACE TEMP TABLE out_sessions AS ${summariesFromSpansSql('out_spans')}`);

  const result = { files: [] as ManifestFile[], written };
  for (const table of ['spans', 'messages', 'sessions'] as const) {
    await writePartitions(duck, table, { sql: `out_${table}`, params: [] }, input.target, result);
  }

  const [counts] = await duck.rows(
    `SELECT
      (SELECT count(*) FROM b_spans) AS spans,
      (SELECT count(*) FROM b_msgs WHERE NOT carry) AS messages,
      (SELECT count(*) FROM b_msgs WHERE carry) AS carried,
      (SELECT min(coalesce(carried_since, $1)) FROM b_msgs WHERE carry) AS carried_since`,
    [nowMs],
  );
  const carried = Number(counts?.carried ?? 0);
  let carry: MaterializeOutput['carry'] = null;
  if (carried > 0) {
    const { seq, path } = input.carryPath();
    const tmp = `${path}.tmp`;
    await duck.run(
      `COPY (SELECT 'm' AS k, coalesce(carried_since, $1) AS carried_since, rq, ${walSelect(MESSAGES_COLUMNS)}
             FROM b_msgs WHERE carry) TO $2 (FORMAT json)`,
      [nowMs, tmp],
    );
    await publishFile(tmp, path);
    written.push(path);
    carry = { seq, since_ms: Number(counts?.carried_since ?? nowMs), rows: carried };
  }
  await forgetOld(duck, nowMs, input.recent);

  return {
    files: result.files,
    written,
    spans: Number(counts?.spans ?? 0),
    messages: Number(counts?.messages ?? 0),
    carry,
  };
}
