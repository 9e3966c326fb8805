/**
 * One session's LLM calls, messages and embedding requests computed in plain JavaScript from its
 * rows as the viewer read them: the rows sessionCalls, sessionMessages, sessionSpanExtent and
 * sessionEmbeddings (sql/session.ts) select with `{ inherit: false }` over the same rows, in
 * their order, so that opening a session needs no insert into DuckDB-WASM and no query there (~40–80 ms of a ~150 ms open, bench-viewer).
 *
 * `null` where the SQL's answer is not certain from these rows alone (the caller asks DuckDB):
 * - a message of the session whose span is not among the rows (a log record that came before its
 *   span: the SQL's answer depends on which spans DuckDB holds);
 * - two calls with one (trace, span) id, an id or sort value that is NULL, or two rows that tie on
 *   the whole sort order (SQL's order between them is unspecified).
 * Messages join the session's calls whatever their own session id, as in the SQL.
 */
import { compareCodePoints } from './code-point-order.ts';
import { parseSessionKey } from './sql/query.ts';
import type { ResultRow } from './sql/rows.ts';
import { CALL_FIELDS, MESSAGE_FIELDS } from './sql/session.ts';

/** Rows as columns by name (a missing column is all NULL). */
export interface RowColumns {
  length: number;
  columns: Readonly<Record<string, ArrayLike<unknown> | undefined>>;
}

function value(rows: RowColumns, name: string, i: number): unknown {
  const v = rows.columns[name]?.[i];
  return v === undefined ? null : v;
}

function pick(rows: RowColumns, names: readonly string[], i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = value(rows, n, i);
  return out;
}

/** A number as SQL orders it; null for NULL or a value that is not a finite number. */
function orderNumber(v: unknown): number | null {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Compares by each key in turn: numbers numerically, strings by code point (DuckDB's order). */
function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let k = 0; k < a.length; k++) {
    const x = a[k] as number | string;
    const y = b[k] as number | string;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    return compareCodePoints(String(x), String(y));
  }
  return 0;
}

/** Sorts rows by their keys; false when two rows tie on every key. */
function sortStrict<T extends { key: (number | string)[] }>(items: T[]): boolean {
  items.sort((a, b) => compareKeys(a.key, b.key));
  for (let i = 1; i < items.length; i++)
    if (compareKeys((items[i - 1] as T).key, (items[i] as T).key) === 0) return false;
  return true;
}

export interface SessionRows {
  calls: ResultRow[];
  messages: ResultRow[];
  /** The rows of sessionSpanExtent: when the session's spans (all of them) run. */
  extent: ResultRow[];
  /** The rows of sessionEmbeddings. */
  embeddings: ResultRow[];
}

/**
 * The calls and messages of a session key over its span and message rows; null when not exact
 * (see the module comment).
 */
export function sessionRowsFast(key: string, spans: RowColumns, messages: RowColumns): SessionRows | null {
  const k = parseSessionKey(key);
  // A session's calls carry its id; a sessionless trace's calls are every call of the trace, and
  // its messages without a stored span are those without a session id (as in the SQL).
  const isCall =
    k.kind === 'session'
      ? (i: number): boolean => value(spans, 'session_id', i) === k.sessionId
      : (i: number): boolean => value(spans, 'trace_id', i) === k.traceId;
  const isOwnMessage =
    k.kind === 'session'
      ? (i: number): boolean => value(messages, 'session_id', i) === k.sessionId
      : (i: number): boolean =>
          value(messages, 'session_id', i) === null && value(messages, 'trace_id', i) === k.traceId;

  /** Every stored span by (trace, span) id: SQL keeps a message without one on its own. */
  const stored = new Set<string>();
  const calls: Array<{ key: (number | string)[]; row: ResultRow; start: number }> = [];
  const callStart = new Map<string, number>();
  let firstUs: number | null = null;
  let lastUs: number | null = null;
  const embeddings: Array<{ key: (number | string)[]; id: string; row: ResultRow }> = [];
  /** (trace, span) ids that an embeddings span of the session names as its parent. */
  const wrapsEmbedding = new Set<string>();
  for (let i = 0; i < spans.length; i++) {
    const trace = value(spans, 'trace_id', i);
    const span = value(spans, 'span_id', i);
    const ids = typeof trace === 'string' && typeof span === 'string';
    if (ids) stored.add(`${trace}\u0000${span}`);
    if (!isCall(i)) continue;
    const start = orderNumber(value(spans, 'start_time', i));
    const end = orderNumber(value(spans, 'end_time', i));
    if (start === null || end === null) return null;
    firstUs = firstUs === null ? start : Math.min(firstUs, start);
    lastUs = lastUs === null ? end : Math.max(lastUs, end);
    if (value(spans, 'operation', i) === 'embeddings') {
      const parent = value(spans, 'parent_span_id', i);
      if (typeof trace === 'string' && typeof parent === 'string')
        wrapsEmbedding.add(`${trace}\u0000${parent}`);
      if (value(spans, 'is_llm_call', i) !== true) {
        if (!ids) return null;
        const row = { ...pick(spans, CALL_FIELDS, i), start_us: start };
        embeddings.push({ key: [start, span], id: `${trace}\u0000${span}`, row });
      }
    }
    if (value(spans, 'is_llm_call', i) !== true) continue;
    if (!ids) return null;
    const id = `${trace}\u0000${span}`;
    // Two calls with one id: the SQL's join would give each of their messages twice.
    if (callStart.has(id)) return null;
    callStart.set(id, start);
    calls.push({ key: [start, span], row: { ...pick(spans, CALL_FIELDS, i), start_us: start }, start });
  }
  if (!sortStrict(calls)) return null;
  const innermost = embeddings.filter((e) => !wrapsEmbedding.has(e.id));
  if (!sortStrict(innermost)) return null;

  const joined: Array<{ key: (number | string)[]; row: ResultRow }> = [];
  for (let i = 0; i < messages.length; i++) {
    const trace = value(messages, 'trace_id', i);
    const span = value(messages, 'span_id', i);
    const mine = isOwnMessage(i);
    if (typeof trace !== 'string' || typeof span !== 'string') {
      // SQL keeps it on its session id alone (no span can match a NULL id).
      if (mine) return null;
      continue;
    }
    const id = `${trace}\u0000${span}`;
    const start = callStart.get(id);
    if (start === undefined) {
      // Its span is not stored: SQL keeps it, and whether its span is stored depends on what else
      // DuckDB holds. A message of a stored span that is no call of the session is not kept.
      if (mine && !stored.has(id)) return null;
      continue;
    }
    const direction = value(messages, 'direction', i);
    const seq = orderNumber(value(messages, 'seq', i));
    if (typeof direction !== 'string' || seq === null) return null;
    joined.push({
      key: [start, span, direction, seq],
      row: { ...pick(messages, MESSAGE_FIELDS, i), start_us: start },
    });
  }
  if (!sortStrict(joined)) return null;
  return {
    calls: calls.map((c) => c.row),
    messages: joined.map((m) => m.row),
    extent: [{ first_us: firstUs, last_us: lastUs }],
    embeddings: innermost.map((e) => e.row),
  };
}
