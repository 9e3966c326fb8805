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

type MessageRow = Record<(typeof MESSAGE_FIELDS)[number] | 'start_us', unknown>;
type Column = ArrayLike<unknown>;

/** A column by name; a missing one reads as all NULL (`at`). */
function column(rows: RowColumns, name: string): Column {
  return rows.columns[name] ?? { length: 0 };
}

function at(c: Column, i: number): unknown {
  return c[i] ?? null;
}

/**
 * The message rows the SQL keeps, as row numbers in its order (call start, span id, direction,
 * seq) with their call's rank; null where its answer is not certain (see the module comment).
 * Sorted as numbers, one bucket per call, with no object per row: a session that re-sends its
 * history with each call has ~90,000 rows for 300 calls.
 */
function sortedMessages(
  messages: RowColumns,
  callRank: ReadonlyMap<string, ReadonlyMap<string, number>>,
  callCount: number,
  isOwnMessage: (i: number) => boolean,
  stored: ReadonlySet<string>,
): { rows: Int32Array; calls: Int32Array } | null {
  const n = messages.length;
  const traces = column(messages, 'trace_id');
  const spanIds = column(messages, 'span_id');
  const directions = column(messages, 'direction');
  const seqs = column(messages, 'seq');
  const callOf = new Int32Array(n).fill(-1);
  const seqOf = new Float64Array(n);
  const directionOf = new Int32Array(n);
  const directionIds = new Map<string, number>();
  /** Messages per call, then where each call's messages start. */
  const starts = new Int32Array(callCount + 1);
  for (let i = 0; i < n; i++) {
    const trace = at(traces, i);
    const span = at(spanIds, i);
    if (typeof trace !== 'string' || typeof span !== 'string') {
      // SQL keeps it on its session id alone (no span can match a NULL id).
      if (isOwnMessage(i)) return null;
      continue;
    }
    const rank = callRank.get(trace)?.get(span);
    if (rank === undefined) {
      // Its span is not stored: SQL keeps it, and whether its span is stored depends on what else
      // DuckDB holds. A message of a stored span that is no call of the session is not kept.
      if (isOwnMessage(i) && !stored.has(`${trace}\u0000${span}`)) return null;
      continue;
    }
    const direction = at(directions, i);
    const seq = orderNumber(at(seqs, i));
    if (typeof direction !== 'string' || seq === null) return null;
    let d = directionIds.get(direction);
    if (d === undefined) {
      d = directionIds.size;
      directionIds.set(direction, d);
    }
    callOf[i] = rank;
    seqOf[i] = seq;
    directionOf[i] = d;
    starts[rank + 1] = (starts[rank + 1] as number) + 1;
  }
  // Directions in SQL's order (by code point): their ids were given in order of appearance.
  const directionRank = new Int32Array(directionIds.size);
  [...directionIds.keys()].sort(compareCodePoints).forEach((name, r) => {
    directionRank[directionIds.get(name) as number] = r;
  });
  for (let i = 0; i < n; i++) directionOf[i] = directionRank[directionOf[i] as number] as number;
  for (let c = 0; c < callCount; c++) starts[c + 1] = (starts[c + 1] as number) + (starts[c] as number);
  const rows = new Int32Array(starts[callCount] as number);
  const calls = new Int32Array(rows.length);
  const next = starts.slice(0, callCount);
  for (let i = 0; i < n; i++) {
    const c = callOf[i] as number;
    if (c < 0) continue;
    const at = (next[c] as number)++;
    rows[at] = i;
    calls[at] = c;
  }
  const compare = (a: number, b: number): number =>
    (directionOf[a] as number) - (directionOf[b] as number) || (seqOf[a] as number) - (seqOf[b] as number);
  for (let c = 0; c < callCount; c++) {
    const bucket = rows.subarray(starts[c] as number, starts[c + 1] as number);
    let ordered = true;
    for (let j = 1; j < bucket.length && ordered; j++)
      ordered = compare(bucket[j - 1] as number, bucket[j] as number) < 0;
    if (ordered) continue;
    bucket.sort(compare);
    // Two rows that tie on the whole sort order: SQL's order between them is unspecified.
    for (let j = 1; j < bucket.length; j++)
      if (compare(bucket[j - 1] as number, bucket[j] as number) === 0) return null;
  }
  return { rows, calls };
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
  const calls: Array<{
    key: (number | string)[];
    row: ResultRow;
    start: number;
    trace: string;
    span: string;
  }> = [];
  const callIds = new Set<string>();
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
    if (callIds.has(id)) return null;
    callIds.add(id);
    calls.push({
      key: [start, span],
      row: { ...pick(spans, CALL_FIELDS, i), start_us: start },
      start,
      trace,
      span,
    });
  }
  if (!sortStrict(calls)) return null;
  const innermost = embeddings.filter((e) => !wrapsEmbedding.has(e.id));
  if (!sortStrict(innermost)) return null;

  /** Each call's place in the order, by trace then span id (no string built per message). */
  const callRank = new Map<string, Map<string, number>>();
  calls.forEach((c, rank) => {
    const ofTrace = callRank.get(c.trace) ?? new Map<string, number>();
    ofTrace.set(c.span, rank);
    callRank.set(c.trace, ofTrace);
  });
  const order = sortedMessages(messages, callRank, calls.length, isOwnMessage, stored);
  if (order === null) return null;
  const startOf = calls.map((c) => c.start);
  const field = (name: (typeof MESSAGE_FIELDS)[number]): Column => column(messages, name);
  const trace = field('trace_id');
  const span = field('span_id');
  const seq = field('seq');
  const direction = field('direction');
  const role = field('role');
  const content = field('content');
  const parts = field('parts');
  const toolCallId = field('tool_call_id');
  const toolName = field('tool_name');
  const finish = field('finish_reason');
  const model = field('model');
  const hash = field('content_hash');
  const rows: MessageRow[] = [];
  for (let j = 0; j < order.rows.length; j++) {
    const i = order.rows[j] as number;
    // One object literal per row: picking each row's fields by name and then spreading them was a
    // third of this function's time on a long session (~90,000 rows).
    rows.push({
      trace_id: at(trace, i),
      span_id: at(span, i),
      seq: at(seq, i),
      direction: at(direction, i),
      role: at(role, i),
      content: at(content, i),
      parts: at(parts, i),
      tool_call_id: at(toolCallId, i),
      tool_name: at(toolName, i),
      finish_reason: at(finish, i),
      model: at(model, i),
      content_hash: at(hash, i),
      start_us: startOf[order.calls[j] as number],
    });
  }
  return {
    calls: calls.map((c) => c.row),
    messages: rows,
    extent: [{ first_us: firstUs, last_us: lastUs }],
    embeddings: innermost.map((e) => e.row),
  };
}
