/**
 * A query as SQL text with positional `?` placeholders plus its parameters. User values only ever
 * travel in `params`; the SQL text is built from fixed fragments and whitelisted identifiers.
 * Every numeric parameter is wrapped in CAST(? AS BIGINT) because DuckDB-WASM binds JS numbers
 * as DOUBLE, and native DuckDB must see the same types.
 */
export type SqlParam = string | number | boolean | null;

export interface SqlQuery {
  sql: string;
  params: SqlParam[];
}

/**
 * Collects parameters while a query is assembled. Each method returns a marker to put in the SQL
 * text; `query()` turns the markers into `?` and orders the parameters by where their markers
 * appear, so fragments can be built in any order (and a fragment used twice binds twice).
 */
export class Params {
  readonly #values: SqlParam[] = [];

  #marker(value: SqlParam): string {
    this.#values.push(value);
    return `\uE000${this.#values.length - 1}\uE001`;
  }

  text(value: string): string {
    return `CAST(${this.#marker(value)} AS VARCHAR)`;
  }

  int(value: number): string {
    if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer parameter: ${value}`);
    return `CAST(${this.#marker(value)} AS BIGINT)`;
  }

  /** A TIMESTAMP from epoch microseconds. */
  timestamp(us: number): string {
    return `make_timestamp(${this.int(us)})`;
  }

  /** A list literal with one placeholder per element. */
  textList(values: readonly string[]): string {
    return `[${values.map((v) => this.text(v)).join(', ')}]`;
  }

  query(sql: string): SqlQuery {
    const params: SqlParam[] = [];
    const text = sql.replace(/\uE000(\d+)\uE001/g, (_, i: string) => {
      params.push(this.#values[Number(i)] as SqlParam);
      return '?';
    });
    return { sql: text, params };
  }
}

/** A session key is a session id, or 'trace:<trace_id>' for a trace without a session. */
export type SessionKey = { kind: 'session'; sessionId: string } | { kind: 'trace'; traceId: string };

export const TRACE_KEY_PREFIX = 'trace:';

/** Stored trace ids are 32 lowercase hex digits (the decoders normalize them). */
const TRACE_KEY = new RegExp(`^${TRACE_KEY_PREFIX}[0-9a-f]{32}$`);

/**
 * A session id may itself begin with 'trace:' (any string is); only a key of exactly a trace id
 * after the prefix names a trace. A session id of that very form is the one ambiguous case.
 */
export function parseSessionKey(key: string): SessionKey {
  return TRACE_KEY.test(key)
    ? { kind: 'trace', traceId: key.slice(TRACE_KEY_PREFIX.length) }
    : { kind: 'session', sessionId: key };
}

/** The SQL expression of a row's session key, for tables with session_id and trace_id columns. */
export function sessionKeySql(alias: string): string {
  return `coalesce(${alias}.session_id, '${TRACE_KEY_PREFIX}' || ${alias}.trace_id)`;
}
