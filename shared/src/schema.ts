/**
 * The data contract: the single source of truth for the Parquet tables that the collector writes,
 * the viewer reads and analysts query. DDL, the viewer's column lists and docs/schema.md derive
 * from these arrays. Changing a column means bumping SCHEMA_VERSION and documenting it.
 */

export const SCHEMA_VERSION = 2;

/** Versions whose files this code reads as they are: 2 added `sessions.session_key` (NULL in 1). */
export const MIN_SCHEMA_VERSION = 1;

/**
 * Session and user ids are keys shown and grouped on: the normalizer stores the first this many
 * UTF-16 code units of a longer one (with an `id_truncated` problem), and the search matches on it.
 */
export const MAX_ID_CHARS = 1024;

export type DuckType = 'VARCHAR' | 'TIMESTAMP' | 'DOUBLE' | 'BIGINT' | 'INTEGER' | 'BOOLEAN' | 'VARCHAR[]';

export interface Column {
  name: string;
  type: DuckType;
  nullable: boolean;
  description: string;
  /**
   * Heavy columns (message bodies, raw JSON) are never read for the sessions list: message bodies
   * when a conversation opens, a span's raw JSON when its call's details are opened.
   */
  heavy?: boolean;
}

export type TableName = 'spans' | 'messages' | 'sessions';

export const SPANS_COLUMNS: readonly Column[] = [
  {
    name: 'trace_id',
    type: 'VARCHAR',
    nullable: false,
    description: 'Trace id, 32 lowercase hex characters.',
  },
  { name: 'span_id', type: 'VARCHAR', nullable: false, description: 'Span id, 16 lowercase hex characters.' },
  {
    name: 'parent_span_id',
    type: 'VARCHAR',
    nullable: true,
    description: 'Parent span id; NULL for a root span.',
  },
  { name: 'name', type: 'VARCHAR', nullable: false, description: 'Span name as sent.' },
  {
    name: 'kind',
    type: 'VARCHAR',
    nullable: false,
    description: "'UNSPECIFIED'|'INTERNAL'|'SERVER'|'CLIENT'|'PRODUCER'|'CONSUMER'.",
  },
  { name: 'service_name', type: 'VARCHAR', nullable: true, description: 'Resource attribute service.name.' },
  {
    name: 'scope_name',
    type: 'VARCHAR',
    nullable: true,
    description: 'Instrumentation scope name (the emitter).',
  },
  { name: 'start_time', type: 'TIMESTAMP', nullable: false, description: 'Span start, UTC, microseconds.' },
  { name: 'end_time', type: 'TIMESTAMP', nullable: false, description: 'Span end, UTC, microseconds.' },
  {
    name: 'duration_ms',
    type: 'DOUBLE',
    nullable: false,
    description: 'end_time - start_time in milliseconds.',
  },
  {
    name: 'status_code',
    type: 'VARCHAR',
    nullable: false,
    description: "'UNSET'|'OK'|'ERROR' (Langfuse level=ERROR maps to 'ERROR').",
  },
  {
    name: 'status_message',
    type: 'VARCHAR',
    nullable: true,
    description: 'Span status message or error description.',
  },
  {
    name: 'error_type',
    type: 'VARCHAR',
    nullable: true,
    description: 'error.type or exception type when the span failed.',
  },
  {
    name: 'session_id',
    type: 'VARCHAR',
    nullable: true,
    description:
      'Conversation/session id, resolved in the documented priority order, inherited within a trace.',
  },
  {
    name: 'session_source',
    type: 'VARCHAR',
    nullable: true,
    description:
      "Attribute the session id came from, or 'trace' when inherited from another span of the trace.",
  },
  {
    name: 'user_id',
    type: 'VARCHAR',
    nullable: true,
    description: 'End-user id when the instrumentation sends one.',
  },
  {
    name: 'operation',
    type: 'VARCHAR',
    nullable: true,
    description:
      "Normalized operation: 'chat', 'text_completion', 'embeddings', 'execute_tool', 'invoke_agent', …",
  },
  {
    name: 'provider',
    type: 'VARCHAR',
    nullable: true,
    description:
      "Normalized provider name (OTel well-known values, e.g. 'openai', 'anthropic', 'gcp.vertex_ai').",
  },
  { name: 'request_model', type: 'VARCHAR', nullable: true, description: 'Model asked for.' },
  { name: 'response_model', type: 'VARCHAR', nullable: true, description: 'Model that answered.' },
  {
    name: 'model',
    type: 'VARCHAR',
    nullable: true,
    description: 'response_model, else request_model: the model shown and filtered on.',
  },
  {
    name: 'input_tokens',
    type: 'BIGINT',
    nullable: true,
    description: 'All input tokens including cached ones; NULL when unknown.',
  },
  {
    name: 'output_tokens',
    type: 'BIGINT',
    nullable: true,
    description: 'Output tokens including reasoning; NULL when unknown.',
  },
  {
    name: 'cached_input_tokens',
    type: 'BIGINT',
    nullable: true,
    description: 'Input tokens read from the provider cache (subset of input_tokens).',
  },
  {
    name: 'cache_creation_input_tokens',
    type: 'BIGINT',
    nullable: true,
    description: 'Input tokens written to the provider cache (subset of input_tokens).',
  },
  {
    name: 'reasoning_tokens',
    type: 'BIGINT',
    nullable: true,
    description: 'Reasoning tokens (subset of output_tokens).',
  },
  {
    name: 'input_cost_usd',
    type: 'DOUBLE',
    nullable: true,
    description: 'Input-side cost in USD (cached tokens at their own rate); NULL when no price is known.',
  },
  {
    name: 'output_cost_usd',
    type: 'DOUBLE',
    nullable: true,
    description: 'Output-side cost in USD; NULL when no price is known.',
  },
  {
    name: 'total_cost_usd',
    type: 'DOUBLE',
    nullable: true,
    description: 'Total cost in USD; NULL when no price is known.',
  },
  {
    name: 'cost_source',
    type: 'VARCHAR',
    nullable: true,
    description: "'reported' (from the instrumentation), 'price-table', or NULL.",
  },
  {
    name: 'price_version',
    type: 'VARCHAR',
    nullable: true,
    description: 'Price dataset (and override file) version used, so history can be re-priced.',
  },
  {
    name: 'is_llm_call',
    type: 'BOOLEAN',
    nullable: false,
    description: 'This span is exactly one model call; rollups sum only these.',
  },
  {
    name: 'convention',
    type: 'VARCHAR',
    nullable: true,
    description:
      "Convention recognized: 'otel-genai', 'otel-genai-legacy', 'openllmetry', 'openinference', 'vercel-ai', 'langfuse', or NULL for non-GenAI spans.",
  },
  {
    name: 'finish_reasons',
    type: 'VARCHAR[]',
    nullable: true,
    description: 'Finish reasons as sent by the provider.',
  },
  {
    name: 'problems',
    type: 'VARCHAR',
    nullable: true,
    description:
      'JSON array of problems met while normalizing (bad JSON, absurd values, truncation); NULL when none.',
  },
  {
    name: 'attributes',
    type: 'VARCHAR',
    nullable: false,
    description: 'Span attributes, JSON, lossless.',
    heavy: true,
  },
  {
    name: 'resource_attributes',
    type: 'VARCHAR',
    nullable: false,
    description: 'Resource attributes, JSON.',
    heavy: true,
  },
  {
    name: 'events',
    type: 'VARCHAR',
    nullable: false,
    description: 'Span events as a JSON array of {time, name, attributes}.',
    heavy: true,
  },
];

export const MESSAGES_COLUMNS: readonly Column[] = [
  { name: 'session_id', type: 'VARCHAR', nullable: true, description: "The span's session id." },
  {
    name: 'trace_id',
    type: 'VARCHAR',
    nullable: false,
    description: 'Trace id of the LLM-call span carrying the message.',
  },
  {
    name: 'span_id',
    type: 'VARCHAR',
    nullable: false,
    description: 'Span id of the LLM-call span carrying the message.',
  },
  {
    name: 'start_time',
    type: 'TIMESTAMP',
    nullable: false,
    description: "The span's start time (the log record's time until the span is known).",
  },
  {
    name: 'seq',
    type: 'INTEGER',
    nullable: false,
    description: 'Order within the span: inputs first, then outputs.',
  },
  {
    name: 'direction',
    type: 'VARCHAR',
    nullable: false,
    description: "'input' (sent to the model) or 'output' (produced by it).",
  },
  {
    name: 'role',
    type: 'VARCHAR',
    nullable: false,
    description: "'system'|'user'|'assistant'|'tool' (developer -> system; other roles kept as sent).",
  },
  {
    name: 'content',
    type: 'VARCHAR',
    nullable: true,
    description: 'Plain text of the message (text parts joined).',
    heavy: true,
  },
  {
    name: 'parts',
    type: 'VARCHAR',
    nullable: true,
    description:
      'JSON array of parts in the OTel message-part schema (text, tool_call, tool_call_response, reasoning, blob/uri by reference, …).',
    heavy: true,
  },
  {
    name: 'tool_call_id',
    type: 'VARCHAR',
    nullable: true,
    description: 'For tool results: the id of the call answered.',
  },
  {
    name: 'tool_name',
    type: 'VARCHAR',
    nullable: true,
    description: 'Tool name for tool calls/results, when known.',
  },
  {
    name: 'finish_reason',
    type: 'VARCHAR',
    nullable: true,
    description: 'For outputs: why the model stopped.',
  },
  {
    name: 'model',
    type: 'VARCHAR',
    nullable: true,
    description: "The span's model (response, else request).",
  },
  {
    name: 'content_hash',
    type: 'VARCHAR',
    nullable: false,
    description:
      '64-bit FNV-1a (16 hex) of role + parts JSON: equal for re-sent history, which the viewer shows once.',
  },
  {
    name: 'source',
    type: 'VARCHAR',
    nullable: false,
    description: "Where the message came from: 'span_attribute', 'span_event' or 'log'.",
  },
];

/**
 * Session summaries in day files, written by the collector beside spans so the sessions page never
 * needs the span rows. One row per (session, hour) in each file; a session that spans several
 * hours or files has several rows, which queries re-aggregate. Sessionless traces get one row per
 * hour keyed by trace.
 */
export const SESSIONS_COLUMNS: readonly Column[] = [
  {
    name: 'session_id',
    type: 'VARCHAR',
    nullable: true,
    description: 'Session id; NULL for a trace without a session (then trace_id is set).',
  },
  {
    name: 'trace_id',
    type: 'VARCHAR',
    nullable: true,
    description: 'For sessionless traces only: the trace this row summarizes.',
  },
  {
    name: 'first_time',
    type: 'TIMESTAMP',
    nullable: false,
    description: 'Earliest span start in this slice.',
  },
  { name: 'last_time', type: 'TIMESTAMP', nullable: false, description: 'Latest span end in this slice.' },
  { name: 'spans', type: 'BIGINT', nullable: false, description: 'Spans in this slice.' },
  { name: 'llm_calls', type: 'BIGINT', nullable: false, description: 'Spans with is_llm_call.' },
  {
    name: 'input_tokens',
    type: 'BIGINT',
    nullable: true,
    description:
      'Sum over the LLM calls that reported it; NULL when none did (files written before this rule hold 0 there).',
  },
  { name: 'output_tokens', type: 'BIGINT', nullable: true, description: 'Sum, as input_tokens.' },
  { name: 'cached_input_tokens', type: 'BIGINT', nullable: true, description: 'Sum, as input_tokens.' },
  { name: 'reasoning_tokens', type: 'BIGINT', nullable: true, description: 'Sum, as input_tokens.' },
  {
    name: 'total_cost_usd',
    type: 'DOUBLE',
    nullable: true,
    description: 'Sum of known costs over LLM calls; NULL when no call has a price.',
  },
  {
    name: 'unpriced_calls',
    type: 'BIGINT',
    nullable: false,
    description: 'LLM calls without a known cost (the UI says "no price"/"partial").',
  },
  {
    name: 'errors',
    type: 'BIGINT',
    nullable: false,
    description:
      "Failed LLM calls (is_llm_call and status_code = 'ERROR'); the failure's enclosing spans are not counted again.",
  },
  { name: 'models', type: 'VARCHAR[]', nullable: false, description: 'Distinct models of the LLM calls.' },
  { name: 'user_id', type: 'VARCHAR', nullable: true, description: 'A user id seen in the slice.' },
  { name: 'service_name', type: 'VARCHAR', nullable: true, description: 'A service name seen in the slice.' },
  {
    name: 'session_key',
    type: 'BIGINT',
    nullable: true,
    description:
      "63 bits of MD5('s' || session_id), or of 't' || trace_id for a sessionless trace: equal exactly when the key is (up to a 2^-63 collision), so readers can group rows without comparing ids. NULL in files of schema version 1.",
  },
];

export const TABLES: Record<TableName, readonly Column[]> = {
  spans: SPANS_COLUMNS,
  messages: MESSAGES_COLUMNS,
  sessions: SESSIONS_COLUMNS,
};

/** CREATE TABLE statement for DuckDB, derived from the columns. Table name is a fixed identifier. */
export function createTableSql(table: TableName, as: string = table): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(as)) throw new Error(`invalid table identifier: ${as}`);
  const cols = TABLES[table].map((c) => `"${c.name}" ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE ${as} (\n  ${cols.join(',\n  ')}\n)`;
}
