/**
 * The conversation's inputs taken straight from the contract's rows, as the normalizer produces
 * them (the viewer gets the same shapes from query results through sql/rows.ts).
 */
import type { SessionMessage } from './conversation.ts';
import type { MessageRow, SpanRow } from './rows.ts';
import { parseProblems } from './sql/rows.ts';
import type { CallSummary } from './view.ts';

export function callSummaryFromRow(s: SpanRow): CallSummary {
  return {
    traceId: s.trace_id,
    spanId: s.span_id,
    startUs: s.start_time,
    durationMs: s.duration_ms,
    model: s.model,
    provider: s.provider,
    operation: s.operation,
    statusCode: s.status_code,
    statusMessage: s.status_message,
    errorType: s.error_type,
    problems: parseProblems(s.problems),
    inputTokens: s.input_tokens,
    outputTokens: s.output_tokens,
    cachedInputTokens: s.cached_input_tokens,
    reasoningTokens: s.reasoning_tokens,
    inputCostUsd: s.input_cost_usd,
    outputCostUsd: s.output_cost_usd,
    totalCostUsd: s.total_cost_usd,
    costSource: s.cost_source,
    requestModel: s.request_model,
    responseModel: s.response_model,
    finishReasons: s.finish_reasons ?? [],
    cacheCreationInputTokens: s.cache_creation_input_tokens,
    priceVersion: s.price_version,
    serviceName: s.service_name,
    name: s.name,
    userId: s.user_id,
  };
}

export function sessionMessageFromRow(m: MessageRow): SessionMessage {
  return {
    traceId: m.trace_id,
    spanId: m.span_id,
    startUs: m.start_time,
    seq: m.seq,
    direction: m.direction,
    role: m.role,
    content: m.content,
    parts: m.parts,
    toolCallId: m.tool_call_id,
    toolName: m.tool_name,
    finishReason: m.finish_reason,
    model: m.model,
    contentHash: m.content_hash,
  };
}
