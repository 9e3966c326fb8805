/**
 * Row lines, as DuckDB's JSON reader takes a flush's rows and as carry segments keep messages:
 * one normalized row per line, tagged by table (`"k":"s"` span, `"k":"m"` message), with times
 * as integer microseconds exactly as the normalizer produced them. DuckDB reads them with an
 * explicit column list.
 */
import { MESSAGES_COLUMNS, SPANS_COLUMNS } from '@parley/shared/schema';
import type { Column } from '@parley/shared/schema';

const SPAN_TAG = '{"k":"s",';
const MESSAGE_TAG = '{"k":"m",';

export interface EncodedLines {
  data: Buffer;
  /** Bytes of the longest line (DuckDB's reader must be told). */
  longestLine: number;
  /** Where each row's line ends in `data` (the offset of its newline). */
  ends: number[];
}

/**
 * Lines of one table; message rows bring their own `rq` (and `carried_since`) fields. Lines go
 * straight into a reused buffer: joining them into one string and encoding that copied every byte
 * twice more, and the joined text was two-byte (slow to encode) as soon as one row held a
 * character beyond Latin-1.
 */
export function encodeLines(table: 'spans' | 'messages', rows: readonly object[]): EncodedLines {
  const out = lineBuffer();
  const tag = table === 'spans' ? SPAN_TAG : MESSAGE_TAG;
  const ends = rows.map((row) => out.line(tag, row));
  const longestLine = out.longest;
  return { data: out.finish(), longestLine, ends };
}

/**
 * A row as JSON text DuckDB accepts. A lone UTF-16 surrogate (possible in OTLP/JSON input)
 * becomes a `\udXXX` escape that DuckDB's JSON reader rejects, which would drop the acknowledged
 * row at flush; such strings, and such items of list columns (`finish_reasons`), are stored with
 * U+FFFD instead, as any UTF-8 store must. The escape's text is checked first, so well-formed
 * rows cost one substring search.
 */
function rowJson(row: object): string {
  const json = JSON.stringify(row);
  if (!json.includes('\\ud')) return json;
  const wellFormed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) wellFormed[key] = wellFormedValue(value);
  return JSON.stringify(wellFormed);
}

function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  return Array.isArray(value) ? value.map(wellFormedValue) : value;
}

/** Kept between calls (encoding is synchronous); each result is copied out at its exact size. */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

function lineBuffer() {
  let length = 0;
  let longest = 0;
  const write = (text: string): number => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, so the text is never cut
    const room = length + text.length * 3;
    if (room > scratch.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, room));
      scratch.copy(bigger, 0, 0, length);
      scratch = bigger;
    }
    const bytes = scratch.write(text, length);
    length += bytes;
    return bytes;
  };
  return {
    /**
     * `tag` opens the object; splicing it into the row's text avoids copying every row to add a
     * key. Returns where the line ends.
     */
    line(tag: string, row: object): number {
      const bytes = write(tag) + write(rowJson(row).slice(1));
      longest = Math.max(longest, bytes);
      const end = length;
      write('\n');
      return end;
    },
    get longest(): number {
      return longest;
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

function lineType(column: Column): string {
  return column.type === 'TIMESTAMP' ? 'BIGINT' : column.type;
}

/** Union of span and message columns as row lines carry them (shared names have equal types). */
function lineColumns(): Array<[string, string]> {
  const columns = new Map<string, string>([
    ['k', 'VARCHAR'],
    // Wall-clock ms when a carried message was first held back; absent on ingested lines.
    ['carried_since', 'BIGINT'],
    // Arrival order of the request a message came in (see requestOrder).
    ['rq', 'BIGINT'],
  ]);
  for (const column of [...SPANS_COLUMNS, ...MESSAGES_COLUMNS]) {
    const type = lineType(column);
    const seen = columns.get(column.name);
    if (seen !== undefined && seen !== type) throw new Error(`row line column ${column.name} has two types`);
    columns.set(column.name, type);
  }
  return [...columns];
}

/** `columns=` argument for read_ndjson, built from the schema constants only. */
export const LINE_COLUMNS_SQL = `{${lineColumns()
  .map(([name, type]) => `'${name}': '${type}'`)
  .join(', ')}}`;
