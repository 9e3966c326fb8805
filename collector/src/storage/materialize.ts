/**
 * One flush: row files of a completed group (see call-completion.ts), one per table and hour
 * partition with its rows already in file order (flush-partitions.ts) -> Parquet files for spans,
 * messages and sessions. DuckDB streams each row file into its Parquet file; only the session
 * summaries, a row per session, are aggregated. Pure with respect to the manifest: it returns
 * what to commit, and the caller commits or throws the files away.
 */
import type { ManifestFile } from '@parley/shared/manifest';
import { MESSAGES_COLUMNS, SPANS_COLUMNS } from '@parley/shared/schema';
import type { Column } from '@parley/shared/schema';
import type { Duck } from './duck.ts';
import { removeIfExists } from './durable-fs.ts';
import { writePartition, writePartitions } from './partition-writer.ts';
import type { PartitionRows, WriteTarget } from './partition-writer.ts';
import { summariesFromSpansSql } from './session-summaries.ts';
import { quoted } from './table-layout.ts';
import { LINE_COLUMNS_SQL } from './line-encoding.ts';

/** DuckDB's JSON reader wants at least this object size; it rounds its buffers around it. */
const MIN_OBJECT_BYTES = 1024 * 1024;

/** Row lines (see encodeLines) of one table's rows of one partition, in the layout's order. */
export interface RowFile {
  table: 'spans' | 'messages';
  path: string;
  partition: PartitionRows;
}

export interface MaterializeInput {
  files: readonly RowFile[];
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

/** Contract-typed select: WAL µs integers become TIMESTAMPs. */
function typedSelect(columns: readonly Column[]): string {
  return columns
    .map((c) =>
      c.type === 'TIMESTAMP' ? `make_timestamp(${quoted(c.name)}) AS ${quoted(c.name)}` : quoted(c.name),
    )
    .join(', ');
}

/**
 * How many times over DuckDB holds a flush's longest line while reading and writing it: read
 * buffers, the parsed row, the Parquet writer's row group and its compressed page. A 33.5 MiB
 * line took 170 MiB when flushes also sorted (2026-11-26); the pipeline test of a 35 MB line
 * holds this bound. The base limit stays for everything else the flush holds.
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
    await duck.run('DROP TABLE IF EXISTS out_sessions');
  }
}

async function run(
  duck: Duck,
  input: MaterializeInput,
  objectBytes: number,
  result: { files: ManifestFile[]; written: string[] },
): Promise<void> {
  const spanFiles: string[] = [];
  for (const file of input.files) {
    const spans = file.table === 'spans';
    const query = `SELECT ${typedSelect(spans ? SPANS_COLUMNS : MESSAGES_COLUMNS)}
      FROM read_ndjson($1, columns = ${LINE_COLUMNS_SQL}, format = 'newline_delimited', ignore_errors = true,
                       maximum_object_size = ${objectBytes})
      WHERE k = '${spans ? 's' : 'm'}'`;
    const written = await writePartition(
      duck,
      file.table,
      { sql: query, params: [file.path] },
      file.partition,
      input.target,
      result,
    );
    if (spans) spanFiles.push(written);
  }
  if (spanFiles.length === 0) return;
  // From the span files just written: Parquet gives back only the columns summaries read.
  await duck.run(
    `CREATE OR REPLACE TEMP TABLE out_sessions AS ${summariesFromSpansSql('read_parquet($1)')}`,
    [spanFiles],
  );
  await writePartitions(duck, 'sessions', { sql: 'out_sessions', params: [] }, input.target, result);
}
