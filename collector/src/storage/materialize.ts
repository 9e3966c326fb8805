/**
 * One flush: row files of a completed group (see call-completion.ts) -> Parquet files for spans,
 * messages and sessions. Pure with respect to the manifest: it returns what to commit, and the
 * caller commits or throws the files away.
 */
import type { ManifestFile } from '@parley/shared/manifest';
import { MESSAGES_COLUMNS, SPANS_COLUMNS } from '@parley/shared/schema';
import type { Column } from '@parley/shared/schema';
import type { Duck } from './duck.ts';
import { removeIfExists } from './durable-fs.ts';
import { writePartitions } from './partition-writer.ts';
import type { WriteTarget } from './partition-writer.ts';
import { summariesFromSpansSql } from './session-summaries.ts';
import { quoted } from './table-layout.ts';
import { LINE_COLUMNS_SQL } from './line-encoding.ts';

/** DuckDB's JSON reader wants at least this object size; it rounds its buffers around it. */
const MIN_OBJECT_BYTES = 1024 * 1024;

export interface MaterializeInput {
  /** Row lines (see encodeLines) of the group's spans, and of the messages to write now. */
  spansPath: string;
  messagesPath: string;
  /**
   * The longest line in those files. One line holds one row, and a line DuckDB cannot read fails
   * the whole flush; but the bound is not free: DuckDB reserves read buffers from it (1 GiB
   * asked for 2 GiB up front; 64 MiB read a 40 MB line for ~44 MB more RSS), so each flush
   * passes the bound its own rows need.
   */
  maxLineBytes: number;
  target: WriteTarget;
}

export interface MaterializeOutput {
  files: ManifestFile[];
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

/**
 * How many times over DuckDB holds a flush's longest line while reading and sorting it: read
 * buffers, the parsed row, the sort's copy. A 33.5 MiB line took 170 MiB (2026-11-26); the base
 * limit stays for everything else the flush holds.
 */
const COPIES_PER_LINE = 6;

export async function materialize(duck: Duck, input: MaterializeInput): Promise<MaterializeOutput> {
  const result = { files: [] as ManifestFile[], written: [] as string[] };
  const objectBytes = Math.max(MIN_OBJECT_BYTES, Math.ceil(input.maxLineBytes) + 1);
  try {
    await duck.withMemoryLimit(duck.memoryLimitBytes + COPIES_PER_LINE * objectBytes, () =>
      run(duck, input, objectBytes, result),
    );
    return { files: result.files };
  } catch (err) {
    for (const path of result.written) await removeIfExists(path);
    throw err;
  } finally {
    for (const v of ['out_spans', 'out_messages']) await duck.run(`DROP VIEW IF EXISTS ${v}`);
    for (const t of ['b_spans', 'b_msgs', 'out_sessions']) await duck.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

/** Each file is parsed once; the typed outputs are views, so only the sorted COPYs handle whole rows. */
async function run(
  duck: Duck,
  input: MaterializeInput,
  objectBytes: number,
  result: { files: ManifestFile[]; written: string[] },
): Promise<void> {
  const readRows = (kind: 's' | 'm') =>
    `read_ndjson($1, columns = ${LINE_COLUMNS_SQL}, format = 'newline_delimited', ignore_errors = true,
                 maximum_object_size = ${objectBytes}) WHERE k = '${kind}'`;
  await duck.run(
    `CREATE OR REPLACE TEMP TABLE b_spans AS SELECT ${walSelect(SPANS_COLUMNS)} FROM ${readRows('s')}`,
    [input.spansPath],
  );
  await duck.run(
    `CREATE OR REPLACE TEMP TABLE b_msgs AS SELECT ${walSelect(MESSAGES_COLUMNS)} FROM ${readRows('m')}`,
    [input.messagesPath],
  );
  await duck.run(
    `CREATE OR REPLACE TEMP VIEW out_spans AS SELECT ${typedSelect(SPANS_COLUMNS)} FROM b_spans`,
  );
  await duck.run(
    `CREATE OR REPLACE TEMP VIEW out_messages AS SELECT ${typedSelect(MESSAGES_COLUMNS)} FROM b_msgs`,
  );
  await duck.run(`CREATE OR REPLACE TEMP TABLE out_sessions AS ${summariesFromSpansSql('out_spans')}`);
  for (const table of ['spans', 'messages', 'sessions'] as const) {
    await writePartitions(duck, table, { sql: `out_${table}`, params: [] }, input.target, result);
  }
}
