/**
 * View state of the Session Tracking Workspace (encoded in the URL by url-state.ts) and the
 * page-sized results the viewer's data worker returns for it (produced by the SQL in sql/).
 */

export type RelativeRange = '15m' | '1h' | '24h' | '7d' | '30d' | 'all';
export type TimeRange =
  { kind: 'relative'; range: RelativeRange } | { kind: 'absolute'; fromUs: number; toUs: number };

export type SortKey =
  | 'last_time'
  | 'first_time'
  | 'duration'
  | 'llm_calls'
  | 'input_tokens'
  | 'output_tokens'
  | 'cached_input_tokens'
  | 'total_cost_usd'
  | 'errors'
  | 'session_id';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface ViewState {
  /** Data source: '' = the collector serving this app ('/data'); an http(s) URL of a manifest.json,
   * a snapshot root, or a single .parquet; or 'local:' for files the user dropped (not shareable). */
  src: string;
  search: string;
  models: string[];
  time: TimeRange;
  /** 1-based. */
  page: number;
  pageSize: 25 | 50 | 100 | 200;
  sort: Sort;
  /** Open session key (a session id, or 'trace:<trace_id>' for a sessionless trace); '' = none. */
  session: string;
  /** Anchor of an open message within the conversation ('<span_id>:<seq>'); '' = none. */
  message: string;
}

/** One row of the sessions table. */
export interface SessionListRow {
  /** session id, or 'trace:<trace_id>' for a sessionless trace. */
  key: string;
  sessionId: string | null;
  traceId: string | null;
  firstUs: number;
  lastUs: number;
  durationMs: number;
  spans: number;
  llmCalls: number;
  models: string[];
  /** Token sums over the calls that reported the figure; null when none did (not 0: "nothing reported"). */
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  /** null when no call of the session has a price. */
  totalCostUsd: number | null;
  unpricedCalls: number;
  errors: number;
}

export interface SessionsPage {
  rows: SessionListRow[];
  /** Total sessions matching the filters (for "51–100 of 12,345"). */
  total: number;
}

export interface ModelCount {
  model: string;
  sessions: number;
}

export interface TimeBucket {
  bucketUs: number;
  llmCalls: number;
  /** Sums over the calls that reported each figure: null when none did ("not reported", not 0). */
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  totalCostUsd: number | null;
  /** Calls of the bucket without a price: its cost covers the others only. */
  unpricedCalls: number;
  /** Calls that reported no input (output) tokens: the sum counts the others only. */
  unreportedInputCalls: number;
  unreportedOutputCalls: number;
  /** Whether those counts are exact (from spans) or at least that many (from per-hour summaries). */
  unreportedExact: boolean;
}

/** The chart's series: buckets of `bucketUs` (those with calls) on a time axis [startUs, endUs). */
export interface TimeSeries {
  bucketUs: number;
  startUs: number;
  endUs: number;
  buckets: TimeBucket[];
}

/** A problem met while normalizing a span (its `problems` column; normalizer/problems.ts). */
export interface CallProblem {
  code: string;
  field?: string;
  message: string;
}

/** One LLM call of a session, as the conversation viewer lists it. */
export interface CallSummary {
  traceId: string;
  spanId: string;
  startUs: number;
  durationMs: number;
  model: string | null;
  provider: string | null;
  operation: string | null;
  statusCode: 'UNSET' | 'OK' | 'ERROR';
  statusMessage: string | null;
  /** error.type or the exception type, when the call failed. Absent where the rows did not carry it. */
  errorType?: string | null;
  /** Problems the normalizer recorded on the span. Absent where the rows did not carry them. */
  problems?: CallProblem[];
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  reasoningTokens: number | null;
  inputCostUsd: number | null;
  outputCostUsd: number | null;
  totalCostUsd: number | null;
  costSource: 'reported' | 'price-table' | null;
  /**
   * Model asked for, and the model that answered (`model` is the latter, else the former). These
   * and the fields below, shown in a call's details, are absent where the rows did not carry them.
   */
  requestModel?: string | null;
  responseModel?: string | null;
  /** As the provider sent them; empty when none were recorded. */
  finishReasons?: string[];
  /** Input tokens written to the provider's cache (part of inputTokens). */
  cacheCreationInputTokens?: number | null;
  /** Price dataset version the cost was computed with (price-table costs only). */
  priceVersion?: string | null;
  serviceName?: string | null;
  /** The span's name as sent. */
  name?: string | null;
  userId?: string | null;
}

/** What a badge measures: labeled by meaning (see ARCHITECTURE.md, "Token and cost attribution per role"). */
export interface MessageMetrics {
  /** Input side of the call this message opened (set on the first new prompt-side message of a turn). */
  inputTokens?: number | null;
  cachedInputTokens?: number | null;
  inputCostUsd?: number | null;
  /** Output side (set on the assistant message the call produced). */
  outputTokens?: number | null;
  reasoningTokens?: number | null;
  outputCostUsd?: number | null;
  /**
   * The call reported its total cost without an input/output split (e.g. Pydantic AI's
   * `operation.cost`): `outputCostUsd` is that whole total and the input side has no cost of its
   * own. Set on both the input and the output side's message.
   */
  costTotalOnly?: boolean;
}

/** One message shown once in the reconstructed conversation. */
export interface ConversationMessage {
  /** '<span_id>:<seq>', the URL anchor of the message. */
  anchor: string;
  spanId: string;
  seq: number;
  startUs: number;
  direction: 'input' | 'output';
  role: string;
  content: string | null;
  /** JSON text of the parts (tool calls, tool results, …) as stored. */
  parts: string | null;
  toolCallId: string | null;
  toolName: string | null;
  finishReason: string | null;
  model: string | null;
  /** Latency of the call that produced an output message. */
  latencyMs: number | null;
  metrics: MessageMetrics;
  /** True when this message starts a branch: the call's history diverged from what was shown before. */
  branch: boolean;
  /**
   * On the first message of a call that goes on from an earlier point than the call before it (a
   * branch, or a thread resumed after others: a planner after its sub-agents), the anchor of the
   * last shown message it re-sent; null otherwise.
   */
  continuesFrom: string | null;
  /**
   * Set where a failed call's answer would be (its first output, else the last message shown for
   * it, else its placeholder): its error type and status message (callErrorText).
   */
  callError?: string;
  /** Set on the same message as callError would be, when the call's span recorded problems. */
  callProblems?: CallProblem[];
}

export interface RoleRollup {
  role: string;
  messages: number;
  /** 0 when no call side is attributed to the role; null when those attributed reported none. */
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  /** null when none of the attributed calls has a price. */
  costUsd: number | null;
  /** Call sides (input or output) this row counts the tokens of but that have no price. */
  unpricedSides: number;
}

export interface SessionDetail {
  key: string;
  sessionId: string | null;
  traceIds: string[];
  firstUs: number;
  lastUs: number;
  durationMs: number;
  models: string[];
  errors: number;
  calls: CallSummary[];
  messages: ConversationMessage[];
  rollup: RoleRollup[];
  totals: {
    llmCalls: number;
    /** Sums over the calls that reported the figure; null when none did. */
    inputTokens: number | null;
    outputTokens: number | null;
    cachedInputTokens: number | null;
    reasoningTokens: number | null;
    totalCostUsd: number | null;
    unpricedCalls: number;
  };
  /**
   * The session's embedding requests. They are not LLM calls (is_llm_call is false), so they are
   * in neither `totals` nor the rollup, nor in the sessions list's figures. Null when it made none.
   */
  embeddings: {
    calls: number;
    inputTokens: number;
    totalCostUsd: number | null;
    unpricedCalls: number;
    models: string[];
  } | null;
}
