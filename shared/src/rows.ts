/** Row shapes matching schema.ts, as produced by the normalizer and written by the collector. */

export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  service_name: string | null;
  scope_name: string | null;
  /** Microseconds since epoch (TIMESTAMP in Parquet). */
  start_time: number;
  end_time: number;
  duration_ms: number;
  status_code: 'UNSET' | 'OK' | 'ERROR';
  status_message: string | null;
  error_type: string | null;
  session_id: string | null;
  session_source: string | null;
  user_id: string | null;
  operation: string | null;
  provider: string | null;
  request_model: string | null;
  response_model: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  cache_creation_input_tokens: number | null;
  reasoning_tokens: number | null;
  input_cost_usd: number | null;
  output_cost_usd: number | null;
  total_cost_usd: number | null;
  cost_source: 'reported' | 'price-table' | null;
  price_version: string | null;
  is_llm_call: boolean;
  convention: string | null;
  finish_reasons: string[] | null;
  /** JSON text of Problem[]; null when none. */
  problems: string | null;
  attributes: string;
  resource_attributes: string;
  events: string;
}

export interface MessageRow {
  session_id: string | null;
  trace_id: string;
  span_id: string;
  /** Microseconds since epoch. */
  start_time: number;
  seq: number;
  direction: 'input' | 'output';
  role: string;
  content: string | null;
  parts: string | null;
  tool_call_id: string | null;
  tool_name: string | null;
  finish_reason: string | null;
  model: string | null;
  content_hash: string;
  source: 'span_attribute' | 'span_event' | 'log';
}

export interface SessionSummaryRow {
  session_id: string | null;
  trace_id: string | null;
  first_time: number;
  last_time: number;
  spans: number;
  llm_calls: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  reasoning_tokens: number | null;
  total_cost_usd: number | null;
  unpriced_calls: number;
  errors: number;
  models: string[];
  user_id: string | null;
  service_name: string | null;
}
