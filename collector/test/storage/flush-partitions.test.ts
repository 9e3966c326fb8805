import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck } from '../../src/storage/duck.ts';
import type { Duck } from '../../src/storage/duck.ts';
import { compareUtf8, messagePartitions, spanPartitions } from '../../src/storage/flush-partitions.ts';
import type { FlushPartition, OrderedMessage, OrderedSpan } from '../../src/storage/flush-partitions.ts';
import { LAYOUTS } from '../../src/storage/table-layout.ts';
import { tempDir } from './harness.ts';

/**
 * The order and statistics the flush computes in JS must be DuckDB's for the same rows: the
 * files' order is what lets the viewer read one session with a few range requests, and the
 * statistics are what the manifest says the files hold.
 */

// Well-formed strings only: a lone surrogate never reaches DuckDB (line-encoding.ts).
const edgeText = fc.string({
  unit: fc.constantFrom('a', 'b', 'A', ' ', '~', 'é', '\u07ff', '\ue000', '\uffff', '😀', '𝒳', '\u0000'),
  maxLength: 4,
});
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.oneof(fc.constant(null), arb);
const HOUR_US = 3_600_000_000;
const BASE_US = Date.UTC(2026, 0, 1, 5) * 1000;
// On, just before and just after hour boundaries, so rows meet at a partition's edges.
const startUs = fc
  .tuple(fc.integer({ min: -1, max: 2 }), fc.constantFrom(-1, 0, 1, 17, HOUR_US - 1))
  .map(([hour, offset]) => BASE_US + hour * HOUR_US + offset);
const model = nullable(fc.constantFrom('gpt-4o', 'gpt-4o-mini', 'claude', '😀', 'ｍodel', ''));

/** What orders a row and describes its partition; a span adds its duration. */
const keyedRows = fc.array(
  fc.record({
    session_id: nullable(edgeText),
    trace_id: edgeText,
    span_id: edgeText,
    start_time: startUs,
    model,
    duration: fc.integer({ min: 0, max: 2 * HOUR_US }),
  }),
  { maxLength: 60 },
);

const spanRows = keyedRows.map((rows) =>
  rows.map(({ duration, span_id, ...row }, i): OrderedSpan => ({
    ...row,
    // Unique, so the order is total and the test compares one order, not one of several.
    span_id: `${span_id}#${i}`,
    end_time: row.start_time + duration,
  })),
);

const messageRows = keyedRows.map((rows) =>
  rows.map(({ duration: _, ...row }, seq): OrderedMessage => ({ ...row, seq })),
);

let duck: Duck;
let dir: Awaited<ReturnType<typeof tempDir>>;
let fileNo = 0;

beforeAll(async () => {
  dir = await tempDir();
  duck = await openDuck({ memoryLimitBytes: 256 * 1024 * 1024, threads: 1, tempDir: dir.path });
});
afterAll(async () => {
  duck.close();
  await dir.cleanup();
});

/** Each row's key, partition by partition, as DuckDB orders the rows for the table's files. */
async function duckdbOrder(table: 'spans' | 'messages', rows: readonly object[]): Promise<string[]> {
  const path = join(dir.path, `rows-${fileNo++}.ndjson`);
  await writeFile(path, rows.map((r) => JSON.stringify(r)).join('\n'));
  const layout = LAYOUTS[table];
  const result = await duck.columns(
    `SELECT span_id || '/' || ${table === 'messages' ? 'seq' : "''"} AS key
     FROM read_json($1, format = 'newline_delimited', columns = {session_id: 'VARCHAR', trace_id: 'VARCHAR',
       span_id: 'VARCHAR', start_time: 'BIGINT', end_time: 'BIGINT', seq: 'BIGINT', model: 'VARCHAR'})
     ORDER BY start_time // ${HOUR_US}, ${layout.orderBy}`,
    [path],
  );
  return (result.key ?? []) as string[];
}

/** What writePartitions' SQL records of each partition, in JS numbers. */
async function duckdbStats(table: 'spans' | 'messages', rows: readonly object[]) {
  const path = join(dir.path, `rows-${fileNo++}.ndjson`);
  await writeFile(path, rows.map((r) => JSON.stringify(r)).join('\n'));
  const layout = LAYOUTS[table];
  const stats = await duck.rows(
    `SELECT start_time // ${HOUR_US} * ${HOUR_US} AS "hourUs", count(*)::INTEGER AS rows,
            min(${layout.minTime}) AS "minUs", max(${layout.maxTime}) AS "maxUs", ${layout.modelsAgg} AS models,
            min(session_id) AS "minSession", max(session_id) AS "maxSession"
     FROM read_json($1, format = 'newline_delimited', columns = {session_id: 'VARCHAR', start_time: 'BIGINT',
       end_time: 'BIGINT', model: 'VARCHAR'})
     GROUP BY ALL ORDER BY 1`,
    [path],
  );
  return stats.map((s) => ({
    ...s,
    hourUs: Number(s.hourUs),
    minUs: Number(s.minUs),
    maxUs: Number(s.maxUs),
    models: s.models ?? [],
  }));
}

function jsOrder(partitions: Array<FlushPartition<OrderedSpan | OrderedMessage>>): string[] {
  return partitions.flatMap((p) => p.rows.map((r) => `${r.span_id}/${'seq' in r ? r.seq : ''}`));
}

async function agreeWithDuckdb(
  table: 'spans' | 'messages',
  rows: readonly object[],
  partitions: Array<FlushPartition<OrderedSpan | OrderedMessage>>,
): Promise<void> {
  expect(jsOrder(partitions)).toEqual(await duckdbOrder(table, rows));
  expect(partitions.map((p) => p.stats)).toEqual(await duckdbStats(table, rows));
}

describe('flush partitions', () => {
  it('compares strings as UTF-8 bytes, as DuckDB compares VARCHAR', () => {
    fc.assert(
      fc.property(edgeText, edgeText, (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(compareUtf8(a, b))).toBe(bytes);
      }),
      { numRuns: 2000 },
    );
    // Where UTF-16 order and byte order part: U+FFFF is one unit, 😀 a surrogate pair.
    expect(compareUtf8('\uffff', '😀')).toBeLessThan(0);
    expect('\uffff' < '😀').toBe(false);
  });

  const RUNS = { numRuns: 60 };
  const properties: Record<'spans' | 'messages', () => Promise<void>> = {
    spans: () =>
      fc.assert(
        fc.asyncProperty(spanRows, (rows) => agreeWithDuckdb('spans', rows, spanPartitions(rows))),
        RUNS,
      ),
    messages: () =>
      fc.assert(
        fc.asyncProperty(messageRows, (rows) => agreeWithDuckdb('messages', rows, messagePartitions(rows))),
        RUNS,
      ),
  };
  for (const [table, property] of Object.entries(properties)) {
    it(
      `orders ${table} rows by partition as DuckDB does for the ${table} layout, with its statistics`,
      property,
    );
  }

  it('puts a row starting exactly on the hour into that hour, and one a microsecond earlier before it', () => {
    const row = (start_time: number, span_id: string): OrderedSpan => ({
      session_id: 's',
      trace_id: 't',
      span_id,
      start_time,
      end_time: start_time,
      model: null,
    });
    const partitions = spanPartitions([row(BASE_US, 'on'), row(BASE_US - 1, 'before')]);
    expect(partitions.map((p) => [p.stats.hourUs, p.rows.map((r) => r.span_id)])).toEqual([
      [BASE_US - HOUR_US, ['before']],
      [BASE_US, ['on']],
    ]);
  });
});
