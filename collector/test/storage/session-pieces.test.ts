import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDuck } from '../../src/storage/duck.ts';
import {
  groupCountsSql,
  pieceCondition,
  positionCountsSql,
  splitIntoPieces,
} from '../../src/storage/session-pieces.ts';
import type { Bound, Group } from '../../src/storage/session-pieces.ts';
import { tempDir } from './harness.ts';

const session = (id: string, rows: number): Group => ({ sessionId: id, traceId: null, rows });
const trace = (id: string, rows: number): Group => ({ sessionId: null, traceId: id, rows });
const key = ({ sessionId, traceId }: Group): Bound => ({ sessionId, traceId });

describe('splitIntoPieces', () => {
  it('cuts between groups once the next would take a piece past pieceRows', () => {
    const groups = [session('a', 4), session('b', 5), session('c', 2), trace('t1', 6), trace('t2', 3)];
    expect(splitIntoPieces(groups, 10)).toEqual([
      { from: null, to: key(session('c', 0)) },
      { from: key(session('c', 0)), to: key(trace('t2', 0)) },
      { from: key(trace('t2', 0)), to: null },
    ]);
  });

  it('keeps a group without positions whole, however large', () => {
    expect(splitIntoPieces([session('a', 1), session('big', 50), session('c', 1)], 10)).toEqual([
      { from: null, to: key(session('big', 0)) },
      { from: key(session('big', 0)), to: key(session('c', 0)) },
      { from: key(session('c', 0)), to: null },
    ]);
  });

  it('cuts a group with positions between its spans', () => {
    const positions = [
      { startUs: 1, spanId: 'p1', rows: 3 },
      { startUs: 2, spanId: 'p2', rows: 3 },
      { startUs: 2, spanId: 'p3', rows: 4 },
    ];
    const big = { ...session('big', 10), positions };
    const at = (p: (typeof positions)[number]): Bound => ({
      ...key(big),
      at: { startUs: p.startUs, spanId: p.spanId },
    });
    expect(splitIntoPieces([session('a', 2), big, session('c', 1)], 5)).toEqual([
      { from: null, to: at(positions[1]!) },
      { from: at(positions[1]!), to: at(positions[2]!) },
      { from: at(positions[2]!), to: null },
    ]);
  });

  it('is one open piece when everything fits, or nothing is there', () => {
    expect(splitIntoPieces([session('a', 3), trace('t', 3)], 10)).toEqual([{ from: null, to: null }]);
    expect(splitIntoPieces([], 10)).toEqual([{ from: null, to: null }]);
  });
});

describe('pieceCondition', () => {
  it('numbers its parameters from the one given, in the order they appear', () => {
    expect(pieceCondition({ from: key(session('a', 0)), to: key(trace('t', 0)) }, 2)).toEqual({
      sql: '(session_id >= $2 OR session_id IS NULL) AND (session_id IS NOT NULL OR trace_id < $3)',
      params: ['a', 't'],
    });
    expect(pieceCondition({ from: null, to: null }, 2)).toEqual({ sql: 'true', params: [] });
  });

  it('puts every row of real DuckDB data in exactly one piece, in the layout order', async () => {
    const dir = await tempDir();
    const duck = await openDuck({ memoryLimitBytes: 64 * 1024 * 1024, threads: 1, tempDir: dir.path });
    // Ids as DuckDB orders them (bytes), with NULL sessions, quotes and non-ASCII among them; few
    // enough that groups are large, and several rows per span, as messages have.
    const id = fc.constantFrom('a', 'A', "o'q", 'é', '', '\u{1F99C}', 'a b');
    const row = fc.record({
      session: fc.option(id),
      trace: id,
      start: fc.integer({ min: 0, max: 3 }),
      span: fc.constantFrom('s1', 's2', 's3'),
    });
    const order =
      'ORDER BY session_id NULLS LAST, CASE WHEN session_id IS NULL THEN trace_id END NULLS LAST, start_time, span_id, n';
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(row, { minLength: 1, maxLength: 40 }),
          fc.integer({ min: 1, max: 12 }),
          async (data, pieceRows) => {
            await duck.run(
              'CREATE OR REPLACE TABLE r (n INTEGER, session_id VARCHAR, trace_id VARCHAR, start_time TIMESTAMP, span_id VARCHAR)',
            );
            for (const [n, r] of data.entries())
              await duck.run('INSERT INTO r VALUES ($1, $2, $3, make_timestamp($4::BIGINT), $5)', [
                n,
                r.session,
                r.trace,
                BigInt(1_700_000_000_000_000 + r.start),
                r.span,
              ]);
            const found = await duck.columns(groupCountsSql('r'));
            const groups: Group[] = [];
            for (const [i, count] of (found.rows as bigint[]).entries()) {
              const group: Group = {
                sessionId: (found.session_id as Array<string | null>)[i] ?? null,
                traceId: (found.trace_id as Array<string | null>)[i] ?? null,
                rows: Number(count),
              };
              if (group.rows > pieceRows) {
                const q = positionCountsSql('r', group, 1);
                const p = await duck.columns(q.sql, q.params);
                group.positions = (p.start_us as bigint[]).map((t, j) => ({
                  startUs: Number(t),
                  spanId: (p.span_id as string[])[j] as string,
                  rows: Number((p.rows as bigint[])[j]),
                }));
              }
              groups.push(group);
            }
            const [largest] = await duck.rows(
              `SELECT max(c)::INTEGER AS m FROM (SELECT count(*) AS c FROM r
               GROUP BY session_id, CASE WHEN session_id IS NULL THEN trace_id END, start_time, span_id)`,
            );
            const spanRowsMax = Number(largest?.m);
            const seen: number[] = [];
            for (const piece of splitIntoPieces(groups, pieceRows)) {
              const where = pieceCondition(piece, 1);
              const got = await duck.columns(`SELECT n FROM r WHERE ${where.sql} ${order}`, where.params);
              seen.push(...(got.n as number[]));
              // At most pieceRows, unless the rows of one position (start time and span id) are more.
              expect((got.n as number[]).length).toBeLessThanOrEqual(Math.max(pieceRows, spanRowsMax));
            }
            // Pieces in order, each in order, together: every row once, as one sort would give them.
            expect(seen).toEqual((await duck.columns(`SELECT n FROM r ${order}`)).n);
          },
        ),
        { numRuns: 80, seed: 11 },
      );
    } finally {
      duck.close();
      await dir.cleanup();
    }
  }, 60_000);
});
