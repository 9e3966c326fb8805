import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDuck } from '../../src/storage/duck.ts';
import { groupCountsSql, pieceCondition, splitIntoPieces } from '../../src/storage/session-pieces.ts';
import type { GroupKey } from '../../src/storage/session-pieces.ts';
import { tempDir } from './harness.ts';

const session = (id: string, rows: number) => ({ sessionId: id, traceId: null, rows });
const trace = (id: string, rows: number) => ({ sessionId: null, traceId: id, rows });
const key = ({ sessionId, traceId }: GroupKey): GroupKey => ({ sessionId, traceId });

describe('splitIntoPieces', () => {
  it('cuts between groups once the next would take a piece past pieceRows', () => {
    const groups = [session('a', 4), session('b', 5), session('c', 2), trace('t1', 6), trace('t2', 3)];
    expect(splitIntoPieces(groups, 10)).toEqual([
      { from: null, to: key(session('c', 0)) },
      { from: key(session('c', 0)), to: key(trace('t2', 0)) },
      { from: key(trace('t2', 0)), to: null },
    ]);
  });

  it('never splits a group: one larger than pieceRows is a piece of its own', () => {
    expect(splitIntoPieces([session('a', 1), session('big', 50), session('c', 1)], 10)).toEqual([
      { from: null, to: key(session('big', 0)) },
      { from: key(session('big', 0)), to: key(session('c', 0)) },
      { from: key(session('c', 0)), to: null },
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
    // Ids as DuckDB orders them (bytes), with NULL sessions, quotes and non-ASCII among them.
    const id = fc.constantFrom('a', 'A', 'b', "o'q", 'é', 'z', '', '\u{1F99C}', 'a b');
    const rows = fc.array(fc.record({ session: fc.option(id), trace: id }), { minLength: 1, maxLength: 40 });
    const layoutOrder =
      'ORDER BY session_id NULLS LAST, CASE WHEN session_id IS NULL THEN trace_id END NULLS LAST, n';
    try {
      await fc.assert(
        fc.asyncProperty(rows, fc.integer({ min: 1, max: 12 }), async (data, pieceRows) => {
          await duck.run('CREATE OR REPLACE TABLE r (n INTEGER, session_id VARCHAR, trace_id VARCHAR)');
          for (const [n, row] of data.entries())
            await duck.run('INSERT INTO r VALUES ($1, $2, $3)', [n, row.session, row.trace]);
          const groups = await duck.columns(groupCountsSql('r'));
          const keys = (groups.rows as bigint[]).map((count, i) => ({
            sessionId: (groups.session_id as Array<string | null>)[i] ?? null,
            traceId: (groups.trace_id as Array<string | null>)[i] ?? null,
            rows: Number(count),
          }));
          const seen: number[] = [];
          for (const piece of splitIntoPieces(keys, pieceRows)) {
            const where = pieceCondition(piece, 1);
            const got = await duck.columns(`SELECT n FROM r WHERE ${where.sql} ${layoutOrder}`, where.params);
            seen.push(...(got.n as number[]));
          }
          // Pieces in order, each in order, together: every row once, as one sort would give them.
          expect(seen).toEqual((await duck.columns(`SELECT n FROM r ${layoutOrder}`)).n);
        }),
        { numRuns: 60, seed: 11 },
      );
    } finally {
      duck.close();
      await dir.cleanup();
    }
  }, 60_000);
});
