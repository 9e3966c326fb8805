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
 *
 * Lines go straight into a reused buffer: joining them into one string and encoding that copied
 * every byte twice more, and the joined text was two-byte (slow to encode) as soon as one row
 * held a character beyond Latin-1.
 */
export function encodeRows(
  spans: readonly SpanRow[],
  messages: readonly MessageRow[],
  request: number,
): Buffer {
  const out = walBuffer();
  // Splicing the tag into the object text avoids copying every row just to add one key.
  for (const row of spans) {
    out.write('{"k":"s",');
    out.write(rowJson(row).slice(1));
    out.write('\n');
  }
  const messageTag = `{"k":"m","rq":${request},`;
  for (const row of messages) {
    out.write(messageTag);
    out.write(rowJson(row).slice(1));
    out.write('\n');
  }
  return out.finish();
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

/** Kept between calls (encoding is synchronous); each result is copied out at its exact size. */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

function walBuffer() {
  let length = 0;
  return {
    write(text: string): void {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit, so the text is never cut
      const room = length + text.length * 3;
      if (room > scratch.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, room));
        scratch.copy(bigger, 0, 0, length);
        scratch = bigger;
      }
      length += scratch.write(text, length);
    },
    finish(): Buffer {
      const result = Buffer.allocUnsafe(length);
      scratch.copy(result, 0, 0, length);
      // one huge batch must not pin its buffer for the life of the process
      if (scratch.length > 8 << 20) scratch = Buffer.allocUnsafeSlow(1 << 20);
      return result;
    },
  };
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
