/**
 * "Copy as SQL": the current view as a self-contained script for the DuckDB CLI, run against the
 * same snapshot (`duckdb < view.sql`). The relative time range is frozen at `nowUs`, so the
 * script gives the same answer later.
 *
 * This file is the ONLY place where values are inlined into SQL text instead of bound as
 * parameters, and quoteLiteral is the only function that does it.
 */
import type { ManifestFile } from '../manifest.ts';
import { type TableName, createTableSql } from '../schema.ts';
import type { ViewState } from '../view.ts';
import type { SqlParam, SqlQuery } from './query.ts';
import { sessionCalls, sessionMessages } from './session.ts';
import { modelCounts, sessionsPage } from './sessions.ts';

/**
 * A SQL literal for one parameter value. Strings: single-quoted with quotes doubled (DuckDB has
 * standard strings: backslash is not an escape); control characters are spliced in as chr(n) so
 * the literal stays on one line and no byte of it can end a statement or a CLI command.
 * Numbers: finite only, plain decimal. NULL and booleans as keywords.
 */
export function quoteLiteral(value: SqlParam): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot inline a non-finite number: ${value}`);
    return Number.isSafeInteger(value) ? String(value) : value.toExponential();
  }
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === "'") out += "''";
    else if (code < 0x20 || code === 0x7f) out += `' || chr(${code}) || '`;
    else out += ch;
  }
  return `${out}'`;
}

/** Replaces each `?` placeholder (outside quoted text) by quoteLiteral of its parameter. */
export function inlineParams(q: SqlQuery): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  for (const ch of q.sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      if (i >= q.params.length) throw new Error('more placeholders than parameters');
      out += quoteLiteral(q.params[i++] as SqlParam);
    } else {
      out += ch;
    }
  }
  if (i !== q.params.length) throw new Error('more parameters than placeholders');
  return out;
}

const TABLES: readonly TableName[] = ['spans', 'messages', 'sessions'];
/** Manifest paths are untrusted: only plain relative paths under the table's directory are used. */
const SAFE_PATH = /^(spans|messages|sessions)\/[A-Za-z0-9=_.-]+(\/[A-Za-z0-9=_.-]+)*\.parquet$/;

function isSafePath(path: string, table: TableName): boolean {
  return SAFE_PATH.test(path) && path.startsWith(`${table}/`) && !path.split('/').includes('..');
}

function tableSource(
  table: TableName,
  root: string,
  files: readonly ManifestFile[] | undefined,
  fileQuery: string,
): string {
  const base = root.replace(/\/+$/, '');
  if (files === undefined) {
    return `CREATE OR REPLACE VIEW ${table} AS SELECT * FROM read_parquet(${quoteLiteral(`${base}/${table}/**/*.parquet`)}, union_by_name = true, hive_partitioning = false);`;
  }
  const paths = files
    .filter((f) => f.table === table && isSafePath(f.path, table))
    .map((f) => `${base}/${f.path}${fileQuery}`);
  if (paths.length === 0) return `${createTableSql(table)};`;
  const list = paths.map((p) => `  ${quoteLiteral(p)}`).join(',\n');
  return `CREATE OR REPLACE VIEW ${table} AS SELECT * FROM read_parquet([\n${list}\n], union_by_name = true, hive_partitioning = false);`;
}

/**
 * The script: one view per table over the snapshot's Parquet files (the manifest's files when
 * given, which is required for http(s) snapshots since HTTP has no glob; else a glob under
 * `snapshotRoot`), then the sessions page, the model list and, when a session is open, its
 * calls and messages. `fileQuery`: the snapshot URL's query (`?…`), put on each file's URL as the
 * viewer does (a signed folder's token); anything not starting with `?` is ignored.
 */
export function sqlForCli(
  view: ViewState,
  nowUs: number,
  snapshotRoot: string,
  files?: readonly ManifestFile[],
  fileQuery = '',
): string {
  const query = fileQuery.startsWith('?') ? fileQuery : '';
  const parts = [
    '-- Parley view, for the DuckDB CLI: duckdb < this-file.sql',
    `-- Time range frozen at ${new Date(Math.floor(nowUs / 1000)).toISOString()}.`,
    ...TABLES.map((t) => tableSource(t, snapshotRoot, files, query)),
    '',
    '-- Sessions page (total = sessions matching the filters)',
    `${inlineParams(sessionsPage(view, nowUs))};`,
    '',
    '-- Models under the other filters, with session counts',
    `${inlineParams(modelCounts(view, nowUs))};`,
  ];
  if (view.session !== '') {
    parts.push(
      '',
      '-- Open session: LLM calls',
      `${inlineParams(sessionCalls(view.session))};`,
      '',
      '-- Open session: messages',
      `${inlineParams(sessionMessages(view.session))};`,
    );
  }
  return `${parts.join('\n')}\n`;
}
