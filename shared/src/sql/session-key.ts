/**
 * The `session_key` of a summary row: 63 bits of the MD5 of its group key, tagged so that a session
 * id and a sessionless trace id with the same text stay two groups, as the rollup SQL keeps them.
 * MD5 is fixed by its RFC, so every writer and DuckDB version gives the same number for the same
 * key, and files written apart group together. The viewer groups 100k summary rows by it at its
 * cold start without turning their ids into strings.
 */

/**
 * A BIGINT expression over two column expressions; NULL when both are NULL. The arguments must be
 * fixed identifiers, never input.
 */
export function sessionKeyHashSql(sessionId: string, traceId: string): string {
  return `(md5_number_lower(CASE WHEN ${sessionId} IS NULL THEN 't' || ${traceId} ELSE 's' || ${sessionId} END) >> 1)::BIGINT`;
}
