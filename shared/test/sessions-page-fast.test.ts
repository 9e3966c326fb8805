/**
 * The fast path against the SQL it stands in for: random summary rows loaded into a real DuckDB
 * (@duckdb/node-api, one thread like DuckDB-WASM), the rollup table built with
 * CREATE_SESSION_ROLLUP_SQL, and random views run through sessionsPage({ rollup: true }).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DuckDBValue, listValue } from '@duckdb/node-api';
import { nativeDuck } from './native-duck.ts';
import { MAX_ID_CHARS, SESSIONS_COLUMNS, createTableSql } from '../src/schema.ts';
import { compareCodePoints } from '../src/code-point-order.ts';
import {
  type RowSelection,
  type SummaryColumns,
  createFastSessions,
  stringHash,
} from '../src/sessions-page-fast.ts';
import { CREATE_SESSION_ROLLUP_SQL } from '../src/sql/filters.ts';
import { sessionKeyHashSql } from '../src/sql/session-key.ts';
import { mapSessionsPage } from '../src/sql/rows.ts';
import { sessionsPage } from '../src/sql/sessions.ts';
import { SORT_KEYS, defaultViewState } from '../src/url-state.ts';
import type { SessionSummaryRow } from '../src/rows.ts';
import type { SessionsPage, ViewState } from '../src/view.ts';

const HOUR = 3_600_000_000;
const NOW = 1_764_000_000_000_000;
const T0 = NOW - 30 * HOUR;
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'Claude', 'é-model'];

type SummaryRow = SessionSummaryRow;

/** Few distinct ids so that rows share sessions; some unusual ones (case, non-ASCII, 'trace:'). */
const row = (ids: fc.Arbitrary<string>): fc.Arbitrary<SummaryRow> =>
  fc
    .record({
      session_id: fc.option(ids, { nil: null, freq: 4 }),
      trace_id: fc.constantFrom('t1', 't2', 'T3', 'ab'),
      first: fc.integer({ min: 0, max: 40 * 60 }),
      length: fc.integer({ min: 0, max: 180 }),
      spans: fc.nat(50),
      llm_calls: fc.nat(20),
      // NULL: no call of the row reported the figure (the session's sum is NULL if none of its rows has it).
      input_tokens: fc.option(fc.nat(100_000), { nil: null, freq: 3 }),
      output_tokens: fc.option(fc.nat(5_000), { nil: null, freq: 3 }),
      cached_input_tokens: fc.option(fc.nat(50_000), { nil: null, freq: 2 }),
      total_cost_usd: fc.option(fc.double({ min: 0, max: 5, noNaN: true, noDefaultInfinity: true }), {
        nil: null,
      }),
      unpriced_calls: fc.nat(3),
      errors: fc.nat(2),
      models: fc.array(fc.constantFrom(...MODELS), { maxLength: 3 }),
    })
    .map((r) => ({
      ...r,
      // Minutes: ties between sessions are common, so the key tiebreak is exercised.
      first_time: T0 + r.first * 60_000_000,
      last_time: T0 + (r.first + r.length) * 60_000_000,
      total_cost_usd: r.total_cost_usd === null ? null : Math.abs(r.total_cost_usd),
      reasoning_tokens: 0,
      user_id: null,
      service_name: null,
    }));

const ASCII_IDS = fc.constantFrom('a', 'ab', 'B', 'sess-1', 'Sess-2', 'x y', "o'q", '%_', 'abc');
const ANY_IDS = fc.oneof(
  { arbitrary: ASCII_IDS, weight: 3 },
  { arbitrary: fc.constantFrom('é', 'É1', '\u{1D11E}', '\uE000', 'trace:t1', 'İx'), weight: 1 },
);

const viewArb: fc.Arbitrary<ViewState> = fc
  .record({
    search: fc.constantFrom(
      '',
      ' ',
      'a',
      'A',
      ' ab ',
      'SESS',
      'trace:',
      'TRACE:T',
      "'",
      '%',
      '_',
      'é',
      'i',
      'zz',
    ),
    models: fc.subarray(MODELS, { maxLength: 2 }),
    time: fc.oneof(
      fc.constantFrom('15m', '1h', '24h', '7d', 'all').map((range) => ({ kind: 'relative' as const, range })),
      fc.tuple(fc.integer({ min: -60, max: 2400 }), fc.integer({ min: 0, max: 600 })).map(([a, len]) => ({
        kind: 'absolute' as const,
        fromUs: T0 + a * 60_000_000,
        toUs: T0 + (a + len) * 60_000_000,
      })),
    ),
    key: fc.constantFrom(...SORT_KEYS),
    dir: fc.constantFrom('asc' as const, 'desc' as const),
    page: fc.integer({ min: 1, max: 4 }),
    pageSize: fc.constantFrom(1, 2, 3, 5, 25),
  })
  .map((v): ViewState => ({
    ...defaultViewState(),
    search: v.search,
    models: v.models,
    time: v.time,
    sort: { key: v.key, dir: v.dir },
    page: v.page,
    // Any positive size is valid for both; small ones make many pages out of few sessions.
    pageSize: v.pageSize as ViewState['pageSize'],
  }));

const native = nativeDuck();

const COLUMNS = SESSIONS_COLUMNS.map((c) => c.name);

function bind(r: SummaryRow, name: string): DuckDBValue {
  if (name === 'models') return r.models.length > 0 ? listValue(r.models) : null;
  const v = (r as unknown as Record<string, unknown>)[name];
  return v === undefined ? null : (v as DuckDBValue);
}

async function load(rows: readonly SummaryRow[]): Promise<void> {
  await native().run('DROP TABLE IF EXISTS sessions');
  await native().run(createTableSql('sessions'));
  const tuple = `(${SESSIONS_COLUMNS.map((c) =>
    c.type === 'TIMESTAMP'
      ? 'make_timestamp(CAST(? AS BIGINT))'
      : c.type === 'VARCHAR[]'
        ? 'coalesce(CAST(? AS VARCHAR[]), CAST([] AS VARCHAR[]))'
        : c.type === 'BIGINT'
          ? 'CAST(? AS BIGINT)'
          : c.type === 'DOUBLE'
            ? 'CAST(? AS DOUBLE)'
            : '?',
  ).join(', ')})`;
  if (rows.length > 0)
    await native().run(
      `INSERT INTO sessions VALUES ${rows.map(() => tuple).join(', ')}`,
      rows.flatMap((r) => COLUMNS.map((c) => bind(r, c))),
    );
  await native().run(CREATE_SESSION_ROLLUP_SQL);
}

async function sqlPage(view: ViewState): Promise<SessionsPage> {
  const q = sessionsPage(view, NOW, { rollup: true });
  const reader = await native().runAndReadAll(q.sql, q.params);
  return mapSessionsPage(reader.getRowObjectsJS());
}

/** session_key as sql/session-key.ts defines it: MD5 bytes 8–15, little-endian, shifted by one. */
function sessionKeyOf(r: SummaryRow): bigint | null {
  const tagged = r.session_id !== null ? `s${r.session_id}` : r.trace_id !== null ? `t${r.trace_id}` : null;
  if (tagged === null) return null;
  return createHash('md5').update(tagged).digest().readBigUInt64LE(8) >> 1n;
}

/** The SQL's session_key of each row loaded, in row order. */
async function sqlKeys(): Promise<Array<bigint | null>> {
  const reader = await native().runAndReadAll(
    `SELECT ${sessionKeyHashSql('session_id', 'trace_id')} AS k FROM sessions ORDER BY rowid`,
  );
  return reader.getRowObjectsJS().map((r) => r.k as bigint | null);
}

/** A value in every row a load did not ask for: reading one shows up as a wrong page. */
const POISON: Record<string, unknown> = { session_id: 'POISON', trace_id: 'POISON', models: ['POISON'] };

/**
 * The rows split into files (batches), read through a loader that decodes only the columns and
 * rows asked for, like the viewer's worker; records what was asked.
 */
function filesOf(
  rows: readonly SummaryRow[],
  cuts: readonly number[],
  /** null: files of schema version 1, without the column. */
  keyOf: ((r: SummaryRow) => bigint | null) | null = sessionKeyOf,
) {
  const bounds = [0, ...cuts.map((c) => Math.min(c, rows.length)).sort((a, b) => a - b), rows.length];
  const files = bounds.slice(1).map((end, i) => rows.slice(bounds[i], end));
  const asked: Array<{ columns: readonly string[]; rows: readonly RowSelection[] }> = [];
  const load = async (
    columns: readonly string[],
    selection: readonly RowSelection[],
  ): Promise<SummaryColumns[]> => {
    asked.push({ columns, rows: selection });
    return files.map((file, b) => {
      const sel = selection[b] ?? [];
      const wanted = sel === 'all' ? null : new Set(sel);
      const out: Record<string, unknown[]> = {};
      for (const name of columns) {
        if (name === 'session_key' && !keyOf) continue;
        out[name] = file.map((r, i) =>
          wanted && !wanted.has(i)
            ? (POISON[name] ?? 1e9)
            : name === 'session_key' && keyOf
              ? keyOf(r)
              : ((r as unknown as Record<string, unknown>)[name] ?? null),
        );
      }
      // Every other file comes as the viewer's decoder gives it: session id hashes, and keys as
      // numbers with their low 32 bits.
      if (b % 2 === 0) return { length: file.length, columns: out };
      const hashes: Record<string, Int32Array> = {};
      const ids = out.session_id;
      if (ids) hashes.session_id = Int32Array.from(ids, (v) => (typeof v === 'string' ? stringHash(v) : 0));
      const keys = out.session_key;
      if (keys) {
        hashes.session_key = Int32Array.from(keys, (v) =>
          typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : 0,
        );
        out.session_key = keys.map((v) => (typeof v === 'bigint' ? Number(v) : v));
      }
      return { length: file.length, columns: out, hashes };
    });
  };
  return {
    fast: createFastSessions(files.length, load),
    asked,
  };
}

describe('sessionsPageFast', () => {
  it('gives the page the SQL builder gives, or declines', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row(ANY_IDS), { maxLength: 40 }),
        fc.array(fc.nat(40), { maxLength: 3 }),
        fc.array(viewArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (rows, cuts, views, warm) => {
          await load(rows);
          expect(rows.map(sessionKeyOf)).toEqual(await sqlKeys());
          const { fast: pages } = filesOf(rows, cuts);
          // Warm, pages read every row's columns as decoded up front instead of their own rows'.
          if (warm) await pages.warm();
          for (const view of views) {
            const fast = await pages.page(view, NOW);
            if (fast === null) continue;
            compared++;
            expect(fast).toEqual(await sqlPage(view));
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(compared).toBeGreaterThan(150);
  });

  it('never declines ASCII keys and ASCII search text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row(ASCII_IDS), { maxLength: 40 }), viewArb, async (rows, view) => {
        fc.pre(!/[\u0080-\uffff]/.test(view.search));
        await load(rows);
        const fast = await filesOf(rows, [rows.length >> 1]).fast.page(view, NOW);
        expect(fast).toEqual(await sqlPage(view));
      }),
      { numRuns: 100 },
    );
  });

  const base: SummaryRow = {
    session_id: null,
    trace_id: null,
    first_time: T0,
    last_time: T0 + HOUR,
    spans: 1,
    llm_calls: 1,
    input_tokens: 1,
    output_tokens: 1,
    cached_input_tokens: 0,
    total_cost_usd: null,
    unpriced_calls: 1,
    errors: 0,
    models: [],
    reasoning_tokens: 0,
    user_id: null,
    service_name: null,
  };
  const all = { ...defaultViewState(), time: { kind: 'relative' as const, range: 'all' as const } };

  it('decodes nothing more for pages once warm', async () => {
    const rows = Array.from({ length: 30 }, (_, i): SummaryRow => ({
      ...base,
      session_id: `s${i}`,
      trace_id: `t${i}`,
    }));
    await load(rows);
    const { fast, asked } = filesOf(rows, [10, 20]);
    await fast.warm();
    const loads = asked.length;
    for (const view of [all, { ...all, search: 's1', page: 2, pageSize: 5 as ViewState['pageSize'] }])
      expect(await fast.page(view, NOW)).toEqual(await sqlPage(view));
    // The ranking columns are decoded whole once; no page decodes its own rows any more.
    expect(asked.slice(loads).every((a) => a.rows.every((r) => r === 'all'))).toBe(true);
  });

  it("knows a session's first and last activity, cold (reading its rows only) and warm", async () => {
    const rows: SummaryRow[] = [
      { ...base, session_id: 's1', trace_id: 'a', first_time: T0 + 5, last_time: T0 + 9 },
      { ...base, session_id: null, trace_id: 't2', first_time: T0 + 1, last_time: T0 + 2 },
      { ...base, session_id: 's1', trace_id: 'b', first_time: T0 + 3, last_time: T0 + 7 },
      { ...base, session_id: 's3', trace_id: 'c', first_time: T0, last_time: T0 + 1 },
    ];
    const { fast, asked } = filesOf(rows, [1]);
    for (const warm of [false, true]) {
      if (warm) await fast.warm();
      expect(await fast.extent('s2')).toBeNull();
      const loads = asked.length;
      expect(await fast.extent('s1')).toEqual({ fromUs: T0 + 3, toUs: T0 + 9 });
      // Cold, first_time is read for the rows of that session alone (row 0 of one file, 1 of the other).
      if (!warm) expect(asked.slice(loads)).toEqual([{ columns: ['first_time'], rows: [[0], [1]] }]);
      expect(await fast.extent('trace:t2')).toEqual({ fromUs: T0 + 1, toUs: T0 + 2 });
    }
  });

  it('finds an id cut at MAX_ID_CHARS when searched with the whole, longer id, as the SQL does', async () => {
    const stored = `s-${'x'.repeat(MAX_ID_CHARS - 2)}`;
    const rows: SummaryRow[] = [
      { ...base, session_id: stored, trace_id: 'a' },
      { ...base, session_id: 's-other', trace_id: 'b' },
    ];
    await load(rows);
    const view = { ...all, search: `${stored}-cut-by-the-normalizer` };
    const page = await filesOf(rows, [1]).fast.page(view, NOW);
    expect(page?.rows.map((r) => r.key)).toEqual([stored]);
    expect(page).toEqual(await sqlPage(view));
  });

  it('declines when two groups share a key or a search meets non-ASCII keys', async () => {
    const clash = [
      { ...base, session_id: 'trace:t1', trace_id: 'x' },
      { ...base, session_id: null, trace_id: 't1' },
    ];
    expect(await filesOf(clash, []).fast.page(all, NOW)).toBeNull();
    const accented = filesOf([{ ...base, session_id: 'é' }], []).fast;
    expect(await accented.page({ ...all, search: 'e' }, NOW)).toBeNull();
    expect((await accented.page(all, NOW))?.total).toBe(1);
  });

  it('reads the detail columns only for the rows of the sessions on the page', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      session_id: `s${i % 25}`,
      first_time: T0 + i * HOUR,
      last_time: T0 + i * HOUR + 60_000_000,
    }));
    const { fast, asked } = filesOf(rows, [10, 20]);
    const page = await fast.page({ ...all, pageSize: 2 as ViewState['pageSize'] }, NOW);
    expect(page?.rows.map((r) => r.key)).toEqual(['s4', 's3']);
    const details = asked.find((a) => a.columns.includes('models'));
    // s4 and s3 also have rows 3 and 4 in the first file.
    expect(details?.rows).toEqual([[3, 4], [], [8, 9]]);
  });

  it('keeps sessions apart whose ids have the same hash', async () => {
    expect(stringHash('sess-tin')).toBe(stringHash('sess-145c0'));
    const rows = ['sess-tin', 'sess-145c0', 'sess-tin', 'sess-145c0'].map((id, i) => ({
      ...base,
      session_id: id,
      last_time: T0 + HOUR + i,
    }));
    await load(rows);
    const page = await filesOf(rows, [1, 2]).fast.page(all, NOW);
    expect(page?.total).toBe(2);
    expect(page).toEqual(await sqlPage(all));
  });

  /** Whether a load decoded this column for every row of every file. */
  const decodedWhole = (asked: ReturnType<typeof filesOf>['asked'], name: string): boolean =>
    asked.some((a) => a.columns.includes(name) && a.rows.every((r) => r === 'all'));

  it('ranks a cold page by session_key, reading ids only for the rows of the page', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      session_id: i % 3 === 0 ? null : `s${i % 25}`,
      trace_id: `t${i}`,
      first_time: T0 + i * HOUR,
      last_time: T0 + i * HOUR + 60_000_000,
    }));
    await load(rows);
    for (const view of [
      { ...all, pageSize: 2 as ViewState['pageSize'] },
      { ...all, sort: { key: 'input_tokens' as const, dir: 'asc' as const }, page: 2 },
      { ...all, models: ['m'], page: 1 },
    ]) {
      const { fast, asked } = filesOf(rows, [10, 20]);
      expect(await fast.page(view, NOW)).toEqual(await sqlPage(view));
      expect(asked[0]).toEqual({ columns: ['session_key', 'last_time'], rows: ['all', 'all', 'all'] });
      expect(decodedWhole(asked, 'session_id')).toBe(false);
    }
    // The first page, latest first: s4 (rows 4 and 29) and s3 (rows 3 and 28) only.
    const { fast, asked } = filesOf(rows, [10, 20]);
    await fast.page({ ...all, pageSize: 2 as ViewState['pageSize'] }, NOW);
    expect(asked.find((a) => a.columns.includes('session_id'))?.rows).toEqual([[4], [], [8, 9]]);
  });

  it('orders sessions tied on the sort value by key, across the page edges', async () => {
    // 12 sessions, four per value: every page of 5 starts or ends inside a tie.
    const rows = Array.from({ length: 12 }, (_, i) => ({
      ...base,
      session_id: `s${(i * 7) % 12}`,
      last_time: T0 + HOUR * (1 + Math.floor(i / 4)),
    }));
    await load(rows);
    for (const dir of ['asc', 'desc'] as const)
      for (const page of [1, 2, 3]) {
        const view = {
          ...all,
          sort: { key: 'last_time' as const, dir },
          page,
          pageSize: 5 as ViewState['pageSize'],
        };
        const { fast, asked } = filesOf(rows, [5]);
        expect(await fast.page(view, NOW)).toEqual(await sqlPage(view));
        expect(decodedWhole(asked, 'session_id')).toBe(false);
      }
  });

  it('tells apart sessions whose session_key collides, by their ids', async () => {
    const rows = ['a', 'b', 'c', 'a'].map((id, i) => ({ ...base, session_id: id, last_time: T0 + HOUR + i }));
    await load(rows);
    const { fast, asked } = filesOf(rows, [2], () => 42n);
    const page = await fast.page(all, NOW);
    expect(page?.total).toBe(3);
    expect(page).toEqual(await sqlPage(all));
    // The rows of the one key name three sessions: the page comes from the index of ids.
    expect(decodedWhole(asked, 'session_id')).toBe(true);
  });

  it('uses the index of ids for files without session_key and for wide ties', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({ ...base, session_id: `s${i}` }));
    await load(rows);
    for (const keyOf of [null, sessionKeyOf]) {
      const { fast, asked } = filesOf(rows, [300], keyOf);
      const view = { ...all, page: 3, pageSize: 25 as ViewState['pageSize'] };
      expect(await fast.page(view, NOW)).toEqual(await sqlPage(view));
      expect(decodedWhole(asked, 'session_id')).toBe(true);
    }
  });

  it('gives null tokens to a session none of whose rows has them, sorted last both ways, cold and warm', async () => {
    const rows: SummaryRow[] = [
      { ...base, session_id: 'none', input_tokens: null, output_tokens: null, cached_input_tokens: null },
      { ...base, session_id: 'none', input_tokens: null, output_tokens: null, cached_input_tokens: null },
      { ...base, session_id: 'some', input_tokens: 5, output_tokens: null, cached_input_tokens: 0 },
      { ...base, session_id: 'some', input_tokens: null, output_tokens: null, cached_input_tokens: null },
      { ...base, session_id: 'full', input_tokens: 2, output_tokens: 3, cached_input_tokens: 1 },
    ];
    await load(rows);
    for (const warm of [false, true])
      for (const dir of ['asc', 'desc'] as const) {
        const view = { ...all, sort: { key: 'input_tokens' as const, dir } };
        const { fast } = filesOf(rows, [1, 3]);
        if (warm) await fast.warm();
        const page = await fast.page(view, NOW);
        expect(page).toEqual(await sqlPage(view));
        expect(page?.rows.at(-1)).toMatchObject({
          key: 'none',
          inputTokens: null,
          outputTokens: null,
          cachedInputTokens: null,
        });
        expect(page?.rows.find((r) => r.key === 'some')).toMatchObject({
          inputTokens: 5,
          outputTokens: null,
          cachedInputTokens: 0,
        });
      }
  });

  it('orders strings by code point, as SQL orders UTF-8 bytes', () => {
    const words = ['b', 'a', '\uE000', '\u{1D11E}', 'é', 'ab', ''];
    expect([...words].sort(compareCodePoints)).toEqual(['', 'a', 'ab', 'b', 'é', '\uE000', '\u{1D11E}']);
  });
});
