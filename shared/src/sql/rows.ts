/**
 * Result rows -> view types. Rows are plain objects keyed by column name, as both engines give
 * them: @duckdb/node-api (getRowObjectsJS: BIGINT as bigint, lists as arrays) and DuckDB-WASM
 * (Arrow rows: BIGINT as bigint, lists as Arrow vectors). Values are read defensively.
 */
import type { SessionMessage } from '../conversation.ts';
import type {
  CallProblem,
  CallSummary,
  ModelCount,
  SessionDetail,
  SessionListRow,
  SessionsPage,
  TimeBucket,
} from '../view.ts';

export type ResultRow = Readonly<Record<string, unknown>>;

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return 0;
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

function strings(v: unknown): string[] {
  if (v === null || v === undefined || typeof v === 'string') return [];
  const items = Array.isArray(v)
    ? v
    : typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? Array.from(v as Iterable<unknown>)
      : [];
  return items.filter((x): x is string => typeof x === 'string');
}

export function mapSessionsPage(rows: readonly ResultRow[]): SessionsPage {
  const total = rows.length > 0 ? num(rows[0]?.['total']) : 0;
  const page: SessionListRow[] = rows
    .filter((r) => r['key'] !== null && r['key'] !== undefined)
    .map((r) => {
      const firstUs = num(r['first_us']);
      const lastUs = num(r['last_us']);
      return {
        key: str(r['key']),
        sessionId: strOrNull(r['session_id']),
        traceId: strOrNull(r['trace_id']),
        firstUs,
        lastUs,
        durationMs: (lastUs - firstUs) / 1000,
        spans: num(r['spans']),
        llmCalls: num(r['llm_calls']),
        models: strings(r['models']),
        inputTokens: numOrNull(r['input_tokens']),
        outputTokens: numOrNull(r['output_tokens']),
        cachedInputTokens: numOrNull(r['cached_input_tokens']),
        totalCostUsd: numOrNull(r['total_cost_usd']),
        unpricedCalls: num(r['unpriced_calls']),
        errors: num(r['errors']),
      };
    });
  return { rows: page, total };
}

export function mapModelCounts(rows: readonly ResultRow[]): ModelCount[] {
  return rows.map((r) => ({ model: str(r['model']), sessions: num(r['sessions']) }));
}

export function mapTimeBuckets(rows: readonly ResultRow[]): TimeBucket[] {
  return rows.map((r) => ({
    bucketUs: num(r['bucket_us']),
    llmCalls: num(r['llm_calls']),
    inputTokens: numOrNull(r['input_tokens']),
    outputTokens: numOrNull(r['output_tokens']),
    cachedInputTokens: numOrNull(r['cached_input_tokens']),
    totalCostUsd: numOrNull(r['total_cost_usd']),
    unpricedCalls: num(r['unpriced_calls']),
    unreportedInputCalls: num(r['unreported_input_calls']),
    unreportedOutputCalls: num(r['unreported_output_calls']),
    unreportedExact: r['unreported_exact'] === true,
  }));
}

/**
 * The `problems` column: a JSON array of {code, field?, message}. Entries of another shape are
 * skipped; text that is not JSON at all is kept whole as one problem rather than lost.
 */
export function parseProblems(v: unknown): CallProblem[] {
  if (typeof v !== 'string' || v === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return [{ code: 'unreadable', message: v }];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((p: unknown): CallProblem[] => {
    if (p === null || typeof p !== 'object') return [];
    const { code, field, message } = p as Record<string, unknown>;
    if (typeof code !== 'string' || typeof message !== 'string') return [];
    return [typeof field === 'string' ? { code, field, message } : { code, message }];
  });
}

const STATUS = new Set(['UNSET', 'OK', 'ERROR']);
const COST_SOURCE = new Set(['reported', 'price-table']);

export function mapCalls(rows: readonly ResultRow[]): CallSummary[] {
  return rows.map((r) => {
    const status = str(r['status_code']);
    const costSource = strOrNull(r['cost_source']);
    return {
      traceId: str(r['trace_id']),
      spanId: str(r['span_id']),
      startUs: num(r['start_us']),
      durationMs: num(r['duration_ms']),
      model: strOrNull(r['model']),
      provider: strOrNull(r['provider']),
      operation: strOrNull(r['operation']),
      statusCode: STATUS.has(status) ? (status as CallSummary['statusCode']) : 'UNSET',
      statusMessage: strOrNull(r['status_message']),
      errorType: strOrNull(r['error_type']),
      problems: parseProblems(r['problems']),
      inputTokens: numOrNull(r['input_tokens']),
      outputTokens: numOrNull(r['output_tokens']),
      cachedInputTokens: numOrNull(r['cached_input_tokens']),
      reasoningTokens: numOrNull(r['reasoning_tokens']),
      inputCostUsd: numOrNull(r['input_cost_usd']),
      outputCostUsd: numOrNull(r['output_cost_usd']),
      totalCostUsd: numOrNull(r['total_cost_usd']),
      costSource:
        costSource !== null && COST_SOURCE.has(costSource) ? (costSource as CallSummary['costSource']) : null,
      requestModel: strOrNull(r['request_model']),
      responseModel: strOrNull(r['response_model']),
      finishReasons: strings(r['finish_reasons']),
      cacheCreationInputTokens: numOrNull(r['cache_creation_input_tokens']),
      priceVersion: strOrNull(r['price_version']),
      serviceName: strOrNull(r['service_name']),
      name: strOrNull(r['name']),
      userId: strOrNull(r['user_id']),
    };
  });
}

export function mapMessages(rows: readonly ResultRow[]): SessionMessage[] {
  return rows.map((r) => ({
    traceId: str(r['trace_id']),
    spanId: str(r['span_id']),
    startUs: num(r['start_us']),
    seq: num(r['seq']),
    direction: r['direction'] === 'output' ? 'output' : 'input',
    role: str(r['role']),
    content: strOrNull(r['content']),
    parts: strOrNull(r['parts']),
    toolCallId: strOrNull(r['tool_call_id']),
    toolName: strOrNull(r['tool_name']),
    finishReason: strOrNull(r['finish_reason']),
    model: strOrNull(r['model']),
    contentHash: str(r['content_hash']),
  }));
}

export type SessionTotals = SessionDetail['totals'] & { errors: number };

export function mapSessionTotals(rows: readonly ResultRow[]): SessionTotals {
  const r = rows[0] ?? {};
  return {
    llmCalls: num(r['llm_calls']),
    inputTokens: numOrNull(r['input_tokens']),
    outputTokens: numOrNull(r['output_tokens']),
    cachedInputTokens: numOrNull(r['cached_input_tokens']),
    reasoningTokens: numOrNull(r['reasoning_tokens']),
    totalCostUsd: numOrNull(r['total_cost_usd']),
    unpricedCalls: num(r['unpriced_calls']),
    errors: num(r['errors']),
  };
}

/** When a session's spans run (sessionSpanExtent); null when it has none. */
export interface SpanExtent {
  firstUs: number;
  lastUs: number;
}

export function mapSpanExtent(rows: readonly ResultRow[]): SpanExtent | null {
  const r = rows[0];
  const first = numOrNull(r?.['first_us']);
  const last = numOrNull(r?.['last_us']);
  return first === null || last === null ? null : { firstUs: first, lastUs: last };
}
