/**
 * Rows of one partition in pieces small enough to sort at once: consecutive ranges of the
 * layout's leading key (session id, then the trace id of rows without one), each of whole groups.
 * Sorted and written one at a time, the pieces together are the partition in the layout's order,
 * and each piece's session range, recorded in the manifest, lets a reader of one session skip the
 * others.
 */

/** A session (traceId null), or a trace without a session (sessionId null). */
export interface GroupKey {
  sessionId: string | null;
  traceId: string | null;
}

/** Rows from `from` (inclusive) to `to` (exclusive); null is open-ended. */
export interface Piece {
  from: GroupKey | null;
  to: GroupKey | null;
}

/** Groups and their row counts, in the layout's order, from a relation of one table's rows. */
export function groupCountsSql(relation: string): string {
  return `SELECT session_id, CASE WHEN session_id IS NULL THEN trace_id END AS trace_id, count(*) AS rows
FROM ${relation} AS r GROUP BY ALL ORDER BY session_id NULLS LAST, trace_id NULLS LAST`;
}

/**
 * `groups` in the layout's order (sessions by id, then sessionless traces by id) with their row
 * counts, cut into pieces of at most `pieceRows` rows. A group is never split: one larger than
 * `pieceRows` is a piece of its own.
 */
export function splitIntoPieces(
  groups: ReadonlyArray<GroupKey & { rows: number }>,
  pieceRows: number,
): Piece[] {
  const pieces: Piece[] = [];
  let from: GroupKey | null = null;
  let rows = 0;
  for (const group of groups) {
    if (rows > 0 && rows + group.rows > pieceRows) {
      const to = { sessionId: group.sessionId, traceId: group.traceId };
      pieces.push({ from, to });
      from = to;
      rows = 0;
    }
    rows += group.rows;
  }
  pieces.push({ from, to: null });
  return pieces;
}

/**
 * A piece as a WHERE condition over `session_id` and `trace_id`, its keys as parameters numbered
 * from `firstParam`. NULL session ids sort after every id (the layout's order), so a bound in the
 * sessionless part compares trace ids of rows without a session only.
 */
export function pieceCondition(piece: Piece, firstParam: number): { sql: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  const param = (value: string): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  if (piece.from !== null) {
    conditions.push(
      piece.from.sessionId !== null
        ? `(session_id >= ${param(piece.from.sessionId)} OR session_id IS NULL)`
        : `(session_id IS NULL AND trace_id >= ${param(piece.from.traceId ?? '')})`,
    );
  }
  if (piece.to !== null) {
    conditions.push(
      piece.to.sessionId !== null
        ? `session_id < ${param(piece.to.sessionId)}`
        : `(session_id IS NOT NULL OR trace_id < ${param(piece.to.traceId ?? '')})`,
    );
  }
  return { sql: conditions.length === 0 ? 'true' : conditions.join(' AND '), params };
}
