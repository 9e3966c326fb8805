/**
 * The WAL line format: one normalized row per line, tagged by table (`"k":"s"` span, `"k":"m"`
 * message), with times as integer microseconds exactly as the normalizer produced them. DuckDB
 * reads segments back with an explicit column list, so no JS touches the rows at flush time.
 */
import type { MessageRow, SpanRow } from '@parley/shared/rows';
import { MESSAGES_COLUMNS, SPANS_COLUMNS } from '@parley/shared/schema';
import type { Column } from '@parley/shared/schema';

/**
 * `request` orders requests by arrival: one span's log records may come in several requests with
 * equal timestamps, and their messages are numbered in arrival order when they meet at flush.
 */
export function encodeRows(
  spans: readonly SpanRow[],
  messages: readonly MessageRow[],
  request: number,
): Buffer {
  const lines: string[] = [];
  // Splicing the tag into the object text avoids copying every row just to add one key.
  for (const row of spans) lines.push(`{"k":"s",${rowJson(row).slice(1)}\n`);
  for (const row of messages) lines.push(`{"k":"m","rq":${request},${rowJson(row).slice(1)}\n`);
  return Buffer.from(lines.join(''), 'utf8');
}

/**
 * A row as JSON text DuckDB accepts. A lone UTF-16 surrogate (possible in OTLP/JSON input)
 * becomes a `\udXXX` escape that DuckDB's JSON reader rejects, which would drop the acknowledged
 * row at flush; such strings are stored with U+FFFD instead, as any UTF-8 store must. The
 * escape's text is checked first, so well-formed rows cost one substring search.
 */
function rowJson(row: SpanRow | MessageRow): string {
  const json = JSON.stringify(row);
  if (!json.includes('\\ud')) return json;
  const wellFormed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    wellFormed[key] = typeof value === 'string' ? value.toWellFormed() : value;
  }
  return JSON.stringify(wellFormed);
}

function walType(column: Column): string {
  return column.type === 'TIMESTAMP' ? 'BIGINT' : column.type;
}

/** Union of span and message columns as WAL lines carry them (shared names have equal types). */
function walColumns(): Array<[string, string]> {
  const columns = new Map<string, string>([
    ['k', 'VARCHAR'],
    // Wall-clock ms when a carried message was first held back; absent on ingested lines.
    ['carried_since', 'BIGINT'],
    // Arrival order of the request a message came in (see encodeRows).
    ['rq', 'BIGINT'],
  ]);
  for (const column of [...SPANS_COLUMNS, ...MESSAGES_COLUMNS]) {
    const type = walType(column);
    const seen = columns.get(column.name);
    if (seen !== undefined && seen !== type) throw new Error(`WAL column ${column.name} has two types`);
    columns.set(column.name, type);
  }
  return [...columns];
}

/** `columns=` argument for read_ndjson, built from the schema constants only. */
export const WAL_COLUMNS_SQL = `{${walColumns()
  .map(([name, type]) => `'${name}': '${type}'`)
  .join(', ')}}`;
