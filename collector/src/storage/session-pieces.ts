/**
 * Rows of one partition in pieces small enough to sort at once: consecutive ranges of the
 * layout's order (session id, then the trace id of rows without one, then start time and span
 * id). A piece holds whole groups (sessions, sessionless traces) where it can, so each piece's
 * session range, recorded in the manifest, lets a reader of one session skip the others; a group
 * larger than a piece is cut between its spans. Sorted and written one at a time, the pieces
 * together are the partition in the layout's order.
 */

/** A session (traceId null), or a trace without a session (sessionId null). */
export interface GroupKey {
  sessionId: string | null;
  traceId: string | null;
}

/** A span's place in the layout's order within its group. */
export interface Position {
  startUs: number;
  spanId: string;
}

/** Where a piece starts or ends: a group, from its first row or from a span of it. */
export interface Bound extends GroupKey {
  at?: Position;
}

/** Rows from `from` (inclusive) to `to` (exclusive); null is open-ended. */
export interface Piece {
  from: Bound | null;
  to: Bound | null;
}

/** A group with its row count; one larger than a piece also with its spans' row counts, in order. */
export interface Group extends GroupKey {
  rows: number;
  positions?: ReadonlyArray<Position & { rows: number }>;
}

/** Groups and their row counts, in the layout's order, from a relation of one table's rows. */
export function groupCountsSql(relation: string): string {
  return `SELECT session_id, CASE WHEN session_id IS NULL THEN trace_id END AS trace_id, count(*) AS rows
FROM ${relation} AS r GROUP BY ALL ORDER BY session_id NULLS LAST, trace_id NULLS LAST`;
}

/** One group's spans (by start time and span id) and their row counts, in order; the group's key is `$firstParam`. */
export function positionCountsSql(
  relation: string,
  group: GroupKey,
  firstParam: number,
): { sql: string; params: string[] } {
  const match =
    group.sessionId !== null
      ? { sql: `session_id = $${firstParam}`, params: [group.sessionId] }
      : { sql: `session_id IS NULL AND trace_id = $${firstParam}`, params: [group.traceId ?? ''] };
  return {
    sql: `SELECT epoch_us(start_time) AS start_us, span_id, count(*) AS rows
FROM ${relation} AS r WHERE ${match.sql} GROUP BY ALL ORDER BY start_us, span_id`,
    params: match.params,
  };
}

/**
 * `groups` in the layout's order, cut into pieces of at most `pieceRows` rows: between groups, and
 * inside a group that has its positions, between its spans. A span larger than `pieceRows` (or a
 * group without positions) is a piece of its own.
 */
export function splitIntoPieces(groups: readonly Group[], pieceRows: number): Piece[] {
  const units: Array<{ start: Bound; rows: number }> = [];
  for (const group of groups) {
    const key = { sessionId: group.sessionId, traceId: group.traceId };
    if (group.positions === undefined || group.positions.length === 0) {
      units.push({ start: key, rows: group.rows });
      continue;
    }
    for (const [i, p] of group.positions.entries())
      units.push({
        start: i === 0 ? key : { ...key, at: { startUs: p.startUs, spanId: p.spanId } },
        rows: p.rows,
      });
  }
  const pieces: Piece[] = [];
  let from: Bound | null = null;
  let rows = 0;
  for (const unit of units) {
    if (rows > 0 && rows + unit.rows > pieceRows) {
      pieces.push({ from, to: unit.start });
      from = unit.start;
      rows = 0;
    }
    rows += unit.rows;
  }
  pieces.push({ from, to: null });
  return pieces;
}

/**
 * A piece as a WHERE condition over `session_id`, `trace_id`, `start_time` and `span_id`, its
 * bounds as parameters numbered from `firstParam`. NULL session ids sort after every id (the
 * layout's order), so a bound among them compares the trace ids of rows without a session only.
 */
export function pieceCondition(
  piece: Piece,
  firstParam: number,
): { sql: string; params: Array<string | bigint> } {
  const params: Array<string | bigint> = [];
  const param = (value: string | bigint): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  /** Rows of the bound's group before (`<`) or from (`>=`) its position. */
  const within = (at: Position, op: '<' | '>='): string => {
    const t = `make_timestamp(${param(BigInt(at.startUs))}::BIGINT)`;
    const strict = op === '<' ? '<' : '>';
    return `(start_time ${strict} ${t} OR (start_time = ${t} AND span_id ${op} ${param(at.spanId)}))`;
  };
  const conditions: string[] = [];
  const from = piece.from;
  if (from !== null) {
    if (from.sessionId !== null) {
      const s = param(from.sessionId);
      conditions.push(
        from.at === undefined
          ? `(session_id >= ${s} OR session_id IS NULL)`
          : `(session_id > ${s} OR session_id IS NULL OR (session_id = ${s} AND ${within(from.at, '>=')}))`,
      );
    } else {
      const tr = param(from.traceId ?? '');
      conditions.push(
        from.at === undefined
          ? `(session_id IS NULL AND trace_id >= ${tr})`
          : `(session_id IS NULL AND (trace_id > ${tr} OR (trace_id = ${tr} AND ${within(from.at, '>=')})))`,
      );
    }
  }
  const to = piece.to;
  if (to !== null) {
    if (to.sessionId !== null) {
      const s = param(to.sessionId);
      conditions.push(
        to.at === undefined
          ? `session_id < ${s}`
          : `(session_id < ${s} OR (session_id = ${s} AND ${within(to.at, '<')}))`,
      );
    } else {
      const tr = param(to.traceId ?? '');
      conditions.push(
        to.at === undefined
          ? `(session_id IS NOT NULL OR trace_id < ${tr})`
          : `(session_id IS NOT NULL OR trace_id < ${tr} OR (trace_id = ${tr} AND ${within(to.at, '<')}))`,
      );
    }
  }
  return { sql: conditions.length === 0 ? 'true' : conditions.join(' AND '), params };
}
