/**
 * A flush group's rows, held as their encoded lines (see encodeLines) rather than as objects with
 * their text: completion needs every row of the group at once, but only their light fields, and a
 * group's prompts and attributes held as JS strings kept the materializer's heap at ~270 MB. Each
 * row is encoded when read, its heavy text dropped from the object, and its line bytes (outside
 * the JS heap, freed with the group) written out as they are unless completion changed the row;
 * only a changed row is decoded from its line and encoded again.
 */
import { open } from 'node:fs/promises';
import { encodeLines } from './line-encoding.ts';

export type Table = 'spans' | 'messages';

/** Text fields completion never reads, emptied once a row's line holds them. */
const HEAVY: Record<Table, readonly string[]> = {
  spans: ['attributes', 'resource_attributes', 'events'],
  messages: ['content', 'parts'],
};

/** Rows encoded per slice, so no output is ever all in one buffer. */
const ROWS_PER_WRITE = 2048;

interface Line {
  data: Buffer;
  start: number;
  end: number;
  /** The row as added: any other row holding this line is a copy completion made of it. */
  row: object;
}

export interface RowLines {
  /** Encodes the rows and keeps their lines; the objects lose their heavy text. */
  add(table: Table, rows: readonly object[]): void;
  /**
   * Writes a new file at `path` with the lines of each part's rows: a row added here as it was
   * added, any other row (a changed copy of an added one) merged into its added line and encoded
   * again. Returns the longest line's bytes.
   */
  write(path: string, parts: ReadonlyArray<{ table: Table; rows: readonly object[] }>): Promise<number>;
}

export function createRowLines(): RowLines {
  // Copies (object spread) keep own enumerable properties, symbols included; JSON ignores symbols.
  const key = Symbol('line');
  const lineOf = (row: object): Line | undefined => (row as Record<symbol, Line | undefined>)[key];

  /** The row as it will be written: its added line's fields, with the row's own light values. */
  function merged(table: Table, row: object, line: Line): object {
    const full = JSON.parse(line.data.toString('utf8', line.start, line.end)) as Record<string, unknown>;
    delete full.k;
    const heavy = HEAVY[table];
    for (const [name, value] of Object.entries(row)) if (!heavy.includes(name)) full[name] = value;
    return full;
  }

  return {
    add(table, rows) {
      const encoded = encodeLines(table, rows);
      let start = 0;
      for (const [i, row] of rows.entries()) {
        const end = encoded.ends[i] as number;
        const record = row as Record<string | symbol, unknown>;
        record[key] = { data: encoded.data, start, end, row };
        start = end + 1;
        for (const name of HEAVY[table]) if (typeof record[name] === 'string') record[name] = '';
      }
    },

    async write(path, parts) {
      const file = await open(path, 'w');
      let longest = 0;
      try {
        for (const { table, rows } of parts) {
          for (let at = 0; at < rows.length; at += ROWS_PER_WRITE) {
            const chunks: Buffer[] = [];
            const changed: object[] = [];
            const flushChanged = (): void => {
              if (changed.length === 0) return;
              const encoded = encodeLines(table, changed.splice(0));
              longest = Math.max(longest, encoded.longestLine);
              chunks.push(encoded.data);
            };
            for (const row of rows.slice(at, at + ROWS_PER_WRITE)) {
              const line = lineOf(row);
              if (line === undefined) throw new Error('row-lines: a row that was never added');
              if (line.row === row) {
                flushChanged();
                longest = Math.max(longest, line.end - line.start);
                chunks.push(line.data.subarray(line.start, line.end + 1));
              } else {
                changed.push(merged(table, row, line));
              }
            }
            flushChanged();
            await file.write(Buffer.concat(chunks));
          }
        }
      } finally {
        await file.close();
      }
      return longest;
    },
  };
}
