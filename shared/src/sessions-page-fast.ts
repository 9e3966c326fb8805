/**
 * The sessions page computed in plain JavaScript from the `sessions` summary files: at the
 * viewer's cold start, the first page shows while DuckDB-WASM is still compiling; once warm, every
 * filter change is a scan of in-memory arrays, several times faster than a DuckDB-WASM query. It
 * gives the same rows, order, total and page as sessionsPage() (sql/sessions.ts) over the rollup of
 * CREATE_SESSION_ROLLUP_SQL (sql/filters.ts) on the same rows, loaded in the same order.
 *
 * Cold, columns are read late: every row's key and times (plus the sort column, and models when
 * the view filters on them) to rank the sessions, then the other columns only for the rows of the
 * sessions on the page, which for the default sort (latest first) sit in the newest file. warm()
 * decodes the rest and prepares what each filter and sort needs.
 *
 * The first pages without a search group rows by `session_key` (63 bits of MD5 of the key, see
 * sql/session-key.ts), so the 100k session ids of a cold start are never made strings: only the
 * ids of the sessions whose rank their sort value leaves open (the page, and ties at its edges)
 * are read, and their rows checked to carry one id per key. Files without the column (schema
 * version 1), a search, the id sort and warm pages use the index of ids.
 *
 * Where equivalence with the SQL is not certain, the page is `null` and the caller asks DuckDB:
 * - a search text with non-ASCII characters, or any non-ASCII key while searching (SQL lower()
 *   follows Unicode tables that String.toLowerCase() need not match);
 * - a row with neither session id nor trace id (a NULL key), or two groups with one key (a session
 *   id that looks like 'trace:<id>' of a sessionless trace): SQL's order between them is unspecified;
 * - a NULL in a time, counts or times beyond 2^53, a NaN, infinite or negative-zero cost, or a
 *   page offset that is not a safe integer (the SQL builder rejects it).
 * A NULL in a summed column is skipped, as SQL's sum skips it; a session whose rows are all NULL
 * there has a NULL sum, which sorts last both ways and shows as null tokens (nothing reported).
 */
import { compareCodePoints } from './code-point-order.ts';
import { firstK } from './first-k.ts';
import { searchNeedle } from './search-needle.ts';
import { TRACE_KEY_PREFIX } from './sql/query.ts';
import { resolveTimeRange } from './sql/time.ts';
import type { SessionListRow, SessionsPage, SortKey, ViewState } from './view.ts';

/** Columns of one summary file as decoded (a missing column is all NULL). */
export interface SummaryColumns {
  length: number;
  columns: Readonly<Record<string, ArrayLike<unknown> | undefined>>;
  /**
   * Optionally, per string column, stringHash() of each row's value (any number for NULL), when
   * the decoder had it for free: grouping 100k session ids then needs no string hashing.
   */
  hashes?: Readonly<Record<string, Int32Array | undefined>>;
}

export const FNV_OFFSET = -2128831035;
export const FNV_PRIME = 16777619;

/** FNV-1a (32-bit) over the string's UTF-16 code units: for ASCII text, over its bytes. */
export function stringHash(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Which rows of a file a load needs: all, or these row numbers (ascending). */
export type RowSelection = 'all' | readonly number[];

/**
 * Decodes columns of the summary files, one result per file in load order. For a row list, only
 * those rows need values; arrays are indexed by row number in the file either way.
 */
export type ColumnLoader = (
  columns: readonly string[],
  rows: readonly RowSelection[],
) => Promise<SummaryColumns[]>;

export interface FastSessions {
  /** The page sessionsPage(view, nowUs, { rollup: true }) selects, or null (ask DuckDB). */
  page(view: ViewState, nowUs: number): Promise<SessionsPage | null>;
  /**
   * Decodes the page columns of every row once, so that later pages are computed without decoding
   * anything: a filter change is then a scan of in-memory arrays.
   */
  warm(): Promise<void>;
  /** A session key's first and last activity (µs); null when unknown. */
  extent(key: string): Promise<{ fromUs: number; toUs: number } | null>;
}

/** Ranking needs these of every row; first_time too when the range or the sort uses it. */
const KEY_COLUMNS = ['session_id', 'trace_id', 'last_time'];
/** The same, grouping by session_key instead of the ids. */
const HASHED_KEY_COLUMNS = ['session_key', 'last_time'];
const ID_COLUMNS = ['session_id', 'trace_id'];
const DETAIL_COLUMNS = [
  'first_time',
  'spans',
  'llm_calls',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'total_cost_usd',
  'unpriced_calls',
  'errors',
  'models',
];
/** Sort keys over a summed column: ranking needs it for every row. */
const SORTED_SUM: Partial<Record<SortKey, string>> = {
  llm_calls: 'llm_calls',
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  cached_input_tokens: 'cached_input_tokens',
  total_cost_usd: 'total_cost_usd',
  errors: 'errors',
};
const SORT_KEYS = new Set<string>([
  ...Object.keys(SORTED_SUM),
  'last_time',
  'first_time',
  'duration',
  'session_id',
]);

const NON_ASCII = /[\u0080-\uffff]/;
const safe = Number.isSafeInteger;

/** A number from an integer column (number or bigint); NULL is NaN. */
function int(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN;
}

function text(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function stringsOf(v: unknown): Iterable<unknown> {
  if (v === null || v === undefined || typeof v === 'string') return [];
  if (Array.isArray(v)) return v;
  return typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function' ? (v as Iterable<unknown>) : [];
}

/** A cost cell: a number, null, or undefined when it rules the fast path out. */
function costOf(v: unknown): number | null | undefined {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0) ? v : undefined;
}

const column = (b: SummaryColumns, name: string): ArrayLike<unknown> => b.columns[name] ?? { length: 0 };

/** Rows grouped into sessions: each file's rows' group, and each group's last activity. */
interface Grouping {
  count: number;
  last: Float64Array;
  groupOf: Int32Array[];
}

/** What a page row shows of its group. */
interface GroupIds {
  key: string;
  sessionId: string | null;
  traceId: string | null;
}

/** One entry per session key (group), in first-seen order, and each row's group. */
interface SessionIndex extends Grouping {
  keys: string[];
  sessionIds: (string | null)[];
  traceIds: (string | null)[];
  /** Whether every key is ASCII (computed on the first search, not on the cold path). */
  asciiKeys?: boolean;
  lowerKeys?: string[];
}

/** Whether every key is ASCII: one scan of char codes, no regular expression per key. */
function asciiKeys(index: SessionIndex): boolean {
  if (index.asciiKeys === undefined) {
    index.asciiKeys = true;
    for (const k of index.keys)
      for (let i = 0; i < k.length; i++)
        if (k.charCodeAt(i) > 0x7f) {
          index.asciiKeys = false;
          return false;
        }
  }
  return index.asciiKeys;
}

/**
 * Groups rows by (session_id, trace_id of sessionless rows), as SESSION_ROLLUP_SELECT does.
 * Session ids go through an open-addressing table on their hashes (a Map of 100k fresh strings
 * was the largest cost of the cold first page); a group is found only by an equal string.
 */
function indexSessions(batches: readonly SummaryColumns[]): SessionIndex | null {
  let rows = 0;
  for (const b of batches) rows += b.length;
  let capacity = 16;
  while (capacity < rows * 2) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const hashOf = new Int32Array(rows);
  const lastOf = new Float64Array(rows);
  const byTrace = new Map<string, number>();
  // Sized for every row and cut to the groups at the end: no growing while 100k keys go in.
  const keys = new Array<string>(rows);
  const sessionIds = new Array<string | null>(rows);
  const traceIds = new Array<string | null>(rows);
  let groups = 0;
  const groupOfs: Int32Array[] = [];
  /** Session ids that look like the key of a sessionless trace. */
  const traceLike: string[] = [];
  for (const b of batches) {
    const sid = column(b, 'session_id');
    const tid = column(b, 'trace_id');
    const lastCol = column(b, 'last_time');
    const hashes = b.hashes?.session_id;
    const groupOf = new Int32Array(b.length);
    // text() and int() inlined: at the cold start this loop runs before the JIT has optimized it.
    for (let i = 0; i < b.length; i++) {
      const sv = sid[i];
      const lv = lastCol[i];
      const l = typeof lv === 'number' ? lv : typeof lv === 'bigint' ? Number(lv) : Number.NaN;
      if (!safe(l)) return null;
      let g: number;
      if (typeof sv === 'string') {
        const h = hashes ? (hashes[i] as number) : stringHash(sv);
        let slot = (h ^ (h >>> 16)) & mask;
        for (;;) {
          g = table[slot] as number;
          if (g === -1) {
            g = groups++;
            keys[g] = sv;
            if (sv.startsWith(TRACE_KEY_PREFIX)) traceLike.push(sv);
            sessionIds[g] = sv;
            traceIds[g] = null;
            lastOf[g] = l;
            table[slot] = g;
            hashOf[g] = h;
            break;
          }
          if (hashOf[g] === h && sessionIds[g] === sv) {
            if (l > (lastOf[g] as number)) lastOf[g] = l;
            break;
          }
          slot = (slot + 1) & mask;
        }
      } else {
        const traceId = text(tid[i]);
        if (traceId === null) return null;
        const found = byTrace.get(traceId);
        if (found === undefined) {
          g = groups++;
          keys[g] = `${TRACE_KEY_PREFIX}${traceId}`;
          sessionIds[g] = null;
          traceIds[g] = traceId;
          lastOf[g] = l;
          byTrace.set(traceId, g);
        } else {
          g = found;
          if (l > (lastOf[g] as number)) lastOf[g] = l;
        }
      }
      groupOf[i] = g;
    }
    groupOfs.push(groupOf);
  }
  // One key for two groups: SQL orders them arbitrarily.
  if (traceLike.some((id) => byTrace.has(id.slice(TRACE_KEY_PREFIX.length)))) return null;
  keys.length = groups;
  sessionIds.length = groups;
  traceIds.length = groups;
  return {
    count: groups,
    keys,
    sessionIds,
    traceIds,
    last: lastOf.subarray(0, groups),
    groupOf: groupOfs,
  };
}

/** The open-addressing table indexKeys groups rows with. */
interface KeyTable {
  mask: number;
  slots: Int32Array;
  lowOf: Int32Array;
  numberOf: Float64Array;
  lastOf: Float64Array;
  groups: number;
}

/**
 * Rows from..to of one file into the table; false when a row has no key or time. A function per
 * slice of rows because V8 optimizes a function on its calls: at the cold start, one call over
 * 100k rows ran mostly in the interpreter (Chromium, fresh worker: median 85 ms, 41 ms in slices
 * of 512, 2026-11-26).
 */
function groupKeys(
  t: KeyTable,
  keyCol: ArrayLike<unknown>,
  lows: Int32Array | undefined,
  lastCol: ArrayLike<unknown>,
  groupOf: Int32Array,
  from: number,
  to: number,
): boolean {
  const { mask, slots, lowOf, numberOf, lastOf } = t;
  let groups = t.groups;
  for (let i = from; i < to; i++) {
    const kv = keyCol[i];
    let n: number;
    let lo: number;
    if (typeof kv === 'number' && lows) {
      n = kv;
      lo = lows[i] as number;
    } else if (typeof kv === 'number' && safe(kv)) {
      n = kv;
      // ToInt32 keeps the low 32 bits of any integer.
      lo = kv | 0;
    } else if (typeof kv === 'bigint') {
      n = Number(kv);
      lo = Number(BigInt.asIntN(32, kv));
    } else return false;
    const lv = lastCol[i];
    const l = typeof lv === 'number' ? lv : typeof lv === 'bigint' ? Number(lv) : Number.NaN;
    if (!safe(l)) return false;
    let slot = (lo ^ (lo >>> 16)) & mask;
    let g: number;
    for (;;) {
      g = slots[slot] as number;
      if (g === -1) {
        g = groups++;
        slots[slot] = g;
        lowOf[g] = lo;
        numberOf[g] = n;
        lastOf[g] = l;
        break;
      }
      if (lowOf[g] === lo && numberOf[g] === n) {
        if (l > (lastOf[g] as number)) lastOf[g] = l;
        break;
      }
      slot = (slot + 1) & mask;
    }
    groupOf[i] = g;
  }
  t.groups = groups;
  return true;
}

/**
 * Groups rows by session_key; two keys are equal when their low 32 bits and the key as a number
 * are (the pair tells 64-bit values apart). Null when a file has no session_key column or a row no
 * key or time.
 */
function indexKeys(batches: readonly SummaryColumns[]): Grouping | null {
  let rows = 0;
  for (const b of batches) rows += b.length;
  let capacity = 16;
  while (capacity < rows * 2) capacity *= 2;
  const t: KeyTable = {
    mask: capacity - 1,
    slots: new Int32Array(capacity).fill(-1),
    lowOf: new Int32Array(rows),
    numberOf: new Float64Array(rows),
    lastOf: new Float64Array(rows),
    groups: 0,
  };
  const groupOfs: Int32Array[] = [];
  for (const b of batches) {
    const keyCol = b.columns.session_key;
    if (!keyCol) return null;
    const lows = b.hashes?.session_key;
    const lastCol = column(b, 'last_time');
    const groupOf = new Int32Array(b.length);
    for (let from = 0; from < b.length; from += 512)
      if (!groupKeys(t, keyCol, lows, lastCol, groupOf, from, Math.min(b.length, from + 512))) return null;
    groupOfs.push(groupOf);
  }
  return { count: t.groups, last: t.lastOf.subarray(0, t.groups), groupOf: groupOfs };
}

/**
 * The ids of these groups from their rows (`rows`, as rowsOfGroups gives); null when a row has
 * none, or two rows of one group differ (a session_key collision: the index of ids tells them apart).
 */
function idsFromRows(
  grouping: Grouping,
  rows: readonly (readonly number[])[],
  read: readonly SummaryColumns[],
): Map<number, GroupIds> | null {
  const ids = new Map<number, GroupIds>();
  for (const [b, batch] of read.entries()) {
    const groupOf = grouping.groupOf[b] as Int32Array;
    const sid = column(batch, 'session_id');
    const tid = column(batch, 'trace_id');
    for (const i of rows[b] ?? []) {
      const sessionId = text(sid[i]);
      const traceId = sessionId === null ? text(tid[i]) : null;
      if (sessionId === null && traceId === null) return null;
      const g = groupOf[i] as number;
      const seen = ids.get(g);
      if (!seen) {
        const key = sessionId ?? `${TRACE_KEY_PREFIX}${traceId}`;
        ids.set(g, { key, sessionId, traceId });
      } else if (seen.sessionId !== sessionId || seen.traceId !== traceId) return null;
    }
  }
  return ids;
}

/** Per file, the row numbers (ascending) of the rows of these groups. */
function rowsOfGroups(index: Grouping, groups: readonly number[]): number[][] {
  const wanted = new Uint8Array(index.count);
  for (const g of groups) wanted[g] = 1;
  return index.groupOf.map((groupOf) => {
    const mine: number[] = [];
    for (let i = 0; i < groupOf.length; i++) if (wanted[groupOf[i] as number]) mine.push(i);
    return mine;
  });
}

/** Per group, its earliest first_time; null when a row has none (SQL would rank differently). */
function firstAll(index: Grouping, batches: readonly SummaryColumns[]): number[] | null {
  const first = new Array<number>(index.count).fill(Number.POSITIVE_INFINITY);
  for (const [b, batch] of batches.entries()) {
    const col = column(batch, 'first_time');
    const groupOf = index.groupOf[b] as Int32Array;
    for (let i = 0; i < batch.length; i++) {
      const f = int(col[i]);
      if (!safe(f)) return null;
      const g = groupOf[i] as number;
      if (f < (first[g] as number)) first[g] = f;
    }
  }
  return first;
}

/**
 * Per group, the sum of an integer column over its rows that are not NULL (NaN when all are, as
 * SQL's sum is NULL then); null when a value is not an integer or a sum leaves the safe integers.
 */
function sumAll(index: Grouping, batches: readonly SummaryColumns[], name: string): Float64Array | null {
  const sums = new Float64Array(index.count).fill(Number.NaN);
  for (const [b, batch] of batches.entries()) {
    const col = column(batch, name);
    const groupOf = index.groupOf[b] as Int32Array;
    for (let i = 0; i < batch.length; i++) {
      const raw = col[i];
      if (raw === null || raw === undefined) continue;
      const v = int(raw);
      if (Number.isNaN(v)) return null;
      const g = groupOf[i] as number;
      const sum = sums[g] as number;
      sums[g] = Number.isNaN(sum) ? v : sum + v;
    }
  }
  return sums.every((s) => Number.isNaN(s) || safe(s)) ? sums : null;
}

/** Per group, the cost sum in row order (NaN when no row is priced); null when not exact. */
function costAll(index: Grouping, batches: readonly SummaryColumns[]): Float64Array | null {
  const costs = new Float64Array(index.count).fill(Number.NaN);
  for (const [b, batch] of batches.entries()) {
    const col = column(batch, 'total_cost_usd');
    const groupOf = index.groupOf[b] as Int32Array;
    for (let i = 0; i < batch.length; i++) {
      const c = costOf(col[i]);
      if (c === undefined) return null;
      if (c === null) continue;
      const g = groupOf[i] as number;
      const sum = costs[g] as number;
      costs[g] = Number.isNaN(sum) ? c : sum + c;
    }
  }
  return costs.every((c) => Number.isNaN(c) || Number.isFinite(c)) ? costs : null;
}

/**
 * Per group, a bit per model, when there are at most 32 distinct ones: a model filter is then one
 * AND per session.
 */
function modelMasksAll(
  index: Grouping,
  batches: readonly SummaryColumns[],
): { bit: Map<string, number>; masks: Uint32Array } | null {
  const bit = new Map<string, number>();
  const masks = new Uint32Array(index.count);
  for (const [b, batch] of batches.entries()) {
    const col = column(batch, 'models');
    const groupOf = index.groupOf[b] as Int32Array;
    for (let i = 0; i < batch.length; i++) {
      for (const m of stringsOf(col[i])) {
        if (typeof m !== 'string') continue;
        let k = bit.get(m);
        if (k === undefined) {
          if (bit.size === 32) return null;
          k = bit.size;
          bit.set(m, k);
        }
        const g = groupOf[i] as number;
        masks[g] = (masks[g] as number) | (1 << k);
      }
    }
  }
  return { bit, masks };
}

/** Per group, its distinct models. */
function modelsAll(index: Grouping, batches: readonly SummaryColumns[]): string[][] {
  const models: string[][] = Array.from({ length: index.count }, () => []);
  for (const [b, batch] of batches.entries()) {
    const col = column(batch, 'models');
    const groupOf = index.groupOf[b] as Int32Array;
    for (let i = 0; i < batch.length; i++) {
      const mine = models[groupOf[i] as number] as string[];
      for (const m of stringsOf(col[i])) if (typeof m === 'string' && !mine.includes(m)) mine.push(m);
    }
  }
  return models;
}

/**
 * The full rows of the page's groups, from their rows and detail columns; `rows` may hold rows of
 * other groups too (those are skipped). Null when not exact.
 */
function pageRows(
  index: Grouping,
  idsOf: (group: number) => GroupIds,
  groups: readonly number[],
  rows: readonly (readonly number[])[],
  details: readonly SummaryColumns[],
): SessionListRow[] | null {
  const at = new Map(groups.map((g, i) => [g, i]));
  const out: SessionListRow[] = groups.map((g) => {
    const lastUs = index.last[g] as number;
    const { key, sessionId, traceId } = idsOf(g);
    return {
      key,
      sessionId,
      traceId,
      firstUs: Number.POSITIVE_INFINITY,
      lastUs,
      durationMs: 0,
      spans: 0,
      llmCalls: 0,
      models: [],
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: null,
      totalCostUsd: null,
      unpricedCalls: 0,
      errors: 0,
    };
  });
  // SQL's sum skips NULLs. A sum of only NULLs maps to 0 for the counts, and stays null for the
  // tokens (rows.ts): "nothing reported" is not 0.
  const add = (v: unknown): number => (v === null || v === undefined ? 0 : int(v));
  const addTokens = (sum: number | null, v: unknown): number | null =>
    v === null || v === undefined ? sum : (sum ?? 0) + int(v);
  for (const [b, batch] of details.entries()) {
    const groupOf = index.groupOf[b] as Int32Array;
    const c = (name: string): ArrayLike<unknown> => column(batch, name);
    const [first, spans, llm, inTok, outTok, cached, cost, unpriced, errors, models] = DETAIL_COLUMNS.map(
      c,
    ) as [
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
      ArrayLike<unknown>,
    ];
    for (const i of rows[b] ?? []) {
      const place = at.get(groupOf[i] as number);
      if (place === undefined) continue;
      const r = out[place] as SessionListRow;
      const f = int(first[i]);
      if (!safe(f)) return null;
      if (f < r.firstUs) r.firstUs = f;
      r.spans += add(spans[i]);
      r.llmCalls += add(llm[i]);
      r.inputTokens = addTokens(r.inputTokens, inTok[i]);
      r.outputTokens = addTokens(r.outputTokens, outTok[i]);
      r.cachedInputTokens = addTokens(r.cachedInputTokens, cached[i]);
      r.unpricedCalls += add(unpriced[i]);
      r.errors += add(errors[i]);
      const rowCost = costOf(cost[i]);
      if (rowCost === undefined) return null;
      if (rowCost !== null) r.totalCostUsd = r.totalCostUsd === null ? rowCost : r.totalCostUsd + rowCost;
      for (const m of stringsOf(models[i]))
        if (typeof m === 'string' && !r.models.includes(m)) r.models.push(m);
    }
  }
  for (const r of out) {
    r.durationMs = (r.lastUs - r.firstUs) / 1000;
    if (![r.spans, r.llmCalls].every(safe)) return null;
    if (![r.inputTokens, r.outputTokens, r.cachedInputTokens].every((t) => t === null || safe(t)))
      return null;
    if (!safe(r.unpricedCalls) || !safe(r.errors)) return null;
    if (r.totalCostUsd !== null && !Number.isFinite(r.totalCostUsd)) return null;
    r.models.sort(compareCodePoints);
  }
  return out;
}

/**
 * The fast sessions page over `files` summary files read through `load`. Decoded columns and the
 * index are kept for the next views; create a new one when the files change.
 */
export function createFastSessions(files: number, load: ColumnLoader): FastSessions {
  const all: RowSelection[] = new Array<RowSelection>(files).fill('all');
  const decoded = new Map<string, Promise<SummaryColumns[]>>();
  /** Every row of these columns, each column decoded once (missing ones in one load). */
  const readAll = async (names: readonly string[]): Promise<SummaryColumns[]> => {
    const missing = names.filter((n) => !decoded.has(n));
    if (missing.length > 0) {
      const loading = load(missing, all);
      for (const n of missing) decoded.set(n, loading);
    }
    const parts = await Promise.all(names.map((n) => decoded.get(n) as Promise<SummaryColumns[]>));
    return (parts[0] ?? []).map((first, b) => ({
      length: first.length,
      columns: Object.fromEntries(names.map((n, k) => [n, parts[k]?.[b]?.columns[n]])),
      hashes: Object.fromEntries(names.map((n, k) => [n, parts[k]?.[b]?.hashes?.[n]])),
    }));
  };
  let indexed: Promise<SessionIndex | null> | null = null;
  const index = (): Promise<SessionIndex | null> => (indexed ??= readAll(KEY_COLUMNS).then(indexSessions));
  let keyed: Promise<Grouping | null> | null = null;
  const keyGrouping = (): Promise<Grouping | null> => (keyed ??= readAll(HASHED_KEY_COLUMNS).then(indexKeys));
  /** What is derived from a grouping, made once per grouping. */
  const derived = new WeakMap<Grouping, Map<string, Promise<unknown>>>();
  const once = <T>(of: Grouping, name: string, make: () => Promise<T>): Promise<T> => {
    let mine = derived.get(of);
    if (!mine) {
      mine = new Map();
      derived.set(of, mine);
    }
    let d = mine.get(name) as Promise<T> | undefined;
    if (!d) {
      d = make();
      mine.set(name, d);
    }
    return d;
  };

  const firstOf = (idx: Grouping): Promise<number[] | null> =>
    once(idx, 'first', async () => firstAll(idx, await readAll(['first_time'])));

  /** Each group's value of a sort key (NaN for NULL); null when the page cannot be exact. */
  const sortValues = (idx: Grouping, key: SortKey): Promise<Float64Array | null> =>
    once(idx, `sort:${key}`, async () => {
      const sumColumn = SORTED_SUM[key];
      if (sumColumn === 'total_cost_usd') {
        return costAll(idx, await readAll([sumColumn]));
      }
      if (sumColumn) return sumAll(idx, await readAll([sumColumn]), sumColumn);
      if (key === 'first_time' || key === 'duration') {
        const first = await firstOf(idx);
        if (!first) return null;
        return key === 'first_time'
          ? Float64Array.from(first)
          : Float64Array.from(first, (f, g) => (idx.last[g] as number) - f);
      }
      return idx.last;
    });

  const modelMasks = (idx: Grouping): Promise<{ bit: Map<string, number>; masks: Uint32Array } | null> =>
    once(idx, 'model-masks', async () => modelMasksAll(idx, await readAll(['models'])));

  const groupsByKey = (idx: SessionIndex): Promise<Map<string, number>> =>
    once(idx, 'by-key', async () => new Map(idx.keys.map((k, g) => [k, g])));

  const extent = async (key: string): Promise<{ fromUs: number; toUs: number } | null> => {
    const idx = await index();
    if (!idx) return null;
    if (warmed) {
      const g = (await groupsByKey(idx)).get(key);
      const first = g !== undefined ? await firstOf(idx) : null;
      return g !== undefined && first ? { fromUs: first[g] as number, toUs: idx.last[g] as number } : null;
    }
    // Cold (a link that opens a session): one scan for the key, first_time of its rows only.
    const g = idx.keys.indexOf(key);
    if (g < 0) return null;
    const rows = rowsOfGroups(idx, [g]);
    const read = await load(['first_time'], rows);
    let fromUs = Number.POSITIVE_INFINITY;
    for (const [b, batch] of read.entries()) {
      const col = column(batch, 'first_time');
      for (const i of rows[b] ?? []) {
        const f = int(col[i]);
        if (!safe(f)) return null;
        if (f < fromUs) fromUs = f;
      }
    }
    return Number.isFinite(fromUs) ? { fromUs, toUs: idx.last[g] as number } : null;
  };

  let warmed: Promise<SummaryColumns[]> | null = null;
  const warm = async (): Promise<void> => {
    if (!warmed) {
      const all = readAll(DETAIL_COLUMNS);
      warmed = all;
      // Pages go back to decoding their own rows should this fail.
      all.catch(() => {
        if (warmed === all) warmed = null;
      });
    }
    await warmed;
    const idx = await index();
    if (!idx) return;
    // Whatever a filter or sort needs first, so that no first use of one pays for it.
    if (asciiKeys(idx)) idx.lowerKeys ??= idx.keys.map((k) => k.toLowerCase());
    await Promise.all([
      groupsByKey(idx),
      modelMasks(idx),
      // The session id sort compares keys: it has no values.
      ...[...SORT_KEYS].filter((k) => k !== 'session_id').map((k) => sortValues(idx, k as SortKey)),
    ]);
  };

  /**
   * The groups the view's time range and models keep (the caller applies the search); null when
   * that cannot be exact.
   */
  const filtered = async (
    idx: Grouping,
    view: ViewState,
    nowUs: number,
    keep: (group: number) => boolean,
  ): Promise<number[] | null> => {
    const wanted = view.models.length > 0 ? new Set(view.models) : null;
    // The bitmasks once warm; before, the models of the groups.
    const masks = wanted && warmed ? await modelMasks(idx) : null;
    let wantedMask = 0;
    if (wanted && masks)
      for (const m of wanted) {
        const bit = masks.bit.get(m);
        if (bit !== undefined) wantedMask |= 1 << bit;
      }
    const models =
      wanted && !masks
        ? await once(idx, 'models', async () => modelsAll(idx, await readAll(['models'])))
        : null;
    const { fromUs, toUs } = resolveTimeRange(view.time, nowUs);
    const first = toUs !== null ? await firstOf(idx) : null;
    if (toUs !== null && !first) return null;
    const selected: number[] = [];
    for (let g = 0; g < idx.count; g++) {
      if (!keep(g)) continue;
      if (fromUs !== null && (idx.last[g] as number) < fromUs) continue;
      if (toUs !== null && (first?.[g] as number) > toUs) continue;
      if (masks) {
        if (((masks.masks[g] as number) & wantedMask) === 0) continue;
      } else if (wanted && !(models?.[g] ?? []).some((m) => wanted.has(m))) continue;
      selected.push(g);
    }
    return selected;
  };

  /** The sort's order of groups by value alone (NULLS LAST both ways); 0 for equal values. */
  const valueOrder =
    (values: Float64Array, sign: number) =>
    (a: number, b: number): number => {
      const x = values[a] as number;
      const y = values[b] as number;
      if (x === y) return 0;
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return sign * (x < y ? -1 : 1);
    };

  /**
   * The page from session_key groups (a sort by value, no search); undefined when the index of
   * ids should answer instead: a file without session_key, a key collision, or more groups tied
   * at the page's edges than are worth reading ids for.
   */
  const pageByKeys = async (
    view: ViewState,
    nowUs: number,
    sortKey: SortKey,
    offset: number,
    size: number,
  ): Promise<SessionsPage | null | undefined> => {
    const idx = await keyGrouping();
    if (!idx) return undefined;
    const values = await sortValues(idx, sortKey);
    if (!values) return null;
    const range = resolveTimeRange(view.time, nowUs);
    const unfiltered = view.models.length === 0 && range.fromUs === null && range.toUs === null;
    const selected = unfiltered ? null : await filtered(idx, view, nowUs, () => true);
    if (!unfiltered && !selected) return null;
    const total = selected ? selected.length : idx.count;
    if (offset >= total) return { rows: [], total };
    // Each group's place by value alone as one number (NULL, i.e. NaN, last both ways; the values
    // are finite otherwise), so that a native sort finds the values at the page's edges: no
    // comparator runs per group while the code is still cold.
    const sign = view.sort.dir === 'asc' ? 1 : -1;
    const places = new Float64Array(total);
    for (let i = 0; i < total; i++) {
      const x = values[selected ? (selected[i] as number) : i] as number;
      places[i] = x !== x ? Number.POSITIVE_INFINITY : sign * x;
    }
    const sorted = places.slice().sort();
    const firstPlace = sorted[offset] as number;
    const lastPlace = sorted[Math.min(offset + size, total) - 1] as number;
    // The groups ranked before the page by value alone, and every group whose value lies within
    // the page's: the key decides their order, so their ids are read.
    let before = 0;
    const open: number[] = [];
    for (let i = 0; i < total; i++) {
      const place = places[i] as number;
      if (place < firstPlace) before++;
      else if (place <= lastPlace) open.push(selected ? (selected[i] as number) : i);
    }
    if (open.length > 4 * size + 1000) return undefined;
    const byValue = valueOrder(values, sign);
    const rows = rowsOfGroups(idx, open);
    const read = await load([...ID_COLUMNS, ...DETAIL_COLUMNS], rows);
    const ids = idsFromRows(idx, rows, read);
    if (!ids || new Set([...ids.values()].map((i) => i.key)).size !== ids.size) return undefined;
    const keyOf = (g: number): string => (ids.get(g) as GroupIds).key;
    open.sort((a, b) => byValue(a, b) || compareCodePoints(keyOf(a), keyOf(b)));
    const groups = open.slice(offset - before, offset - before + size);
    // The rows read are the open groups': the page's among them.
    const list = pageRows(idx, (g) => ids.get(g) as GroupIds, groups, rows, read);
    return list && { rows: list, total };
  };

  const page = async (view: ViewState, nowUs: number): Promise<SessionsPage | null> => {
    const pageNo = Number.isSafeInteger(view.page) && view.page >= 1 ? view.page : 1;
    const size = Number.isSafeInteger(view.pageSize) && view.pageSize >= 1 ? view.pageSize : 50;
    const offset = (pageNo - 1) * size;
    if (!safe(offset) || !safe(offset + size)) return null;
    const search = searchNeedle(view.search);
    if (NON_ASCII.test(search)) return null;
    const sortKey: SortKey = SORT_KEYS.has(view.sort.key) ? view.sort.key : 'last_time';
    // Cold, until the ids are decoded for some other need.
    if (!warmed && !indexed && search === '' && sortKey !== 'session_id') {
      const byKeys = await pageByKeys(view, nowUs, sortKey, offset, size);
      if (byKeys !== undefined) return byKeys;
    }
    const idx = await index();
    if (!idx || (search !== '' && !asciiKeys(idx))) return null;
    const values = sortKey === 'session_id' ? null : await sortValues(idx, sortKey);
    if (sortKey !== 'session_id' && !values) return null;

    // Both are ASCII here, where toLowerCase() is SQL's lower().
    const needle = search.toLowerCase();
    if (needle !== '') idx.lowerKeys ??= idx.keys.map((k) => k.toLowerCase());
    const lowerKeys = idx.lowerKeys;
    const selected = await filtered(
      idx,
      view,
      nowUs,
      needle === '' ? () => true : (g) => (lowerKeys?.[g] as string).includes(needle),
    );
    if (!selected) return null;

    const keyOrder = (a: number, b: number): number =>
      compareCodePoints(idx.keys[a] as string, idx.keys[b] as string);
    const sign = view.sort.dir === 'asc' ? 1 : -1;
    const byValue = values ? valueOrder(values, sign) : null;
    const cmp = byValue
      ? (a: number, b: number) => byValue(a, b) || keyOrder(a, b)
      : (a: number, b: number) => sign * keyOrder(a, b);
    const groups = firstK(selected, offset + size, cmp).slice(offset);
    if (groups.length === 0) return { rows: [], total: selected.length };

    const rows = rowsOfGroups(idx, groups);
    const details = await (warmed ?? load(DETAIL_COLUMNS, rows));
    const idsOf = (g: number): GroupIds => ({
      key: idx.keys[g] as string,
      sessionId: idx.sessionIds[g] ?? null,
      traceId: idx.traceIds[g] ?? null,
    });
    const list = pageRows(idx, idsOf, groups, rows, details);
    return list && { rows: list, total: selected.length };
  };
  return { page, warm, extent };
}
