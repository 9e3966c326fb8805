/**
 * Reads one ground-truth session back from the written Parquet, in the ground truth's terms:
 * call counts and token sums over is_llm_call spans, and the conversation as the viewer shows it.
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { isPlaceholder, reconstructConversation, type SessionMessage } from '@parley/shared/conversation';
import type { CallSummary } from '@parley/shared/view';
import type { GroundTruthSession } from '@parley/test-data/fixtures';
import { queryTable } from './parquet.ts';

export type Observed = Omit<GroundTruthSession, 'session_id' | 'trace_ids'>;

export async function observeSession(dataDir: string, expected: GroundTruthSession): Promise<Observed> {
  const where =
    expected.session_id === null
      ? 'session_id IS NULL AND list_contains($traces, trace_id)'
      : 'session_id = $session';
  const params: Record<string, DuckDBValue> =
    expected.session_id === null
      ? { traces: listValue(expected.trace_ids ?? []) }
      : { session: expected.session_id };

  const calls = await queryTable(
    dataDir,
    'spans',
    `SELECT trace_id, span_id, epoch_us(start_time)::DOUBLE AS start_us, duration_ms, model, response_model, provider, operation,
            status_code, status_message, input_tokens::DOUBLE AS input_tokens, output_tokens::DOUBLE AS output_tokens,
            cached_input_tokens::DOUBLE AS cached_input_tokens, reasoning_tokens::DOUBLE AS reasoning_tokens,
            input_cost_usd, output_cost_usd, total_cost_usd, cost_source
       FROM {table} WHERE is_llm_call AND ${where}`,
    params,
  );
  const messages = await queryTable(
    dataDir,
    'messages',
    `SELECT trace_id, span_id, epoch_us(start_time)::DOUBLE AS start_us, seq, direction, role, content, parts,
            tool_call_id, tool_name, finish_reason, model, content_hash
       FROM {table} WHERE ${where}`,
    params,
  );

  const summaries: CallSummary[] = calls.map((c) => ({
    traceId: c.trace_id as string,
    spanId: c.span_id as string,
    startUs: c.start_us as number,
    durationMs: c.duration_ms as number,
    model: c.model as string | null,
    provider: c.provider as string | null,
    operation: c.operation as string | null,
    statusCode: c.status_code as CallSummary['statusCode'],
    statusMessage: c.status_message as string | null,
    inputTokens: c.input_tokens as number | null,
    outputTokens: c.output_tokens as number | null,
    cachedInputTokens: c.cached_input_tokens as number | null,
    reasoningTokens: c.reasoning_tokens as number | null,
    inputCostUsd: c.input_cost_usd as number | null,
    outputCostUsd: c.output_cost_usd as number | null,
    totalCostUsd: c.total_cost_usd as number | null,
    costSource: c.cost_source as CallSummary['costSource'],
  }));
  const sessionMessages: SessionMessage[] = messages.map((m) => ({
    traceId: m.trace_id as string,
    spanId: m.span_id as string,
    startUs: m.start_us as number,
    seq: m.seq as number,
    direction: m.direction as SessionMessage['direction'],
    role: m.role as string,
    content: m.content as string | null,
    parts: m.parts as string | null,
    toolCallId: m.tool_call_id as string | null,
    toolName: m.tool_name as string | null,
    finishReason: m.finish_reason as string | null,
    model: m.model as string | null,
    contentHash: m.content_hash as string,
  }));

  const sum = (key: string): number => calls.reduce((n, c) => n + ((c[key] as number | null) ?? 0), 0);
  return {
    llm_calls: calls.length,
    models: [
      ...new Set(calls.map((c) => c.response_model as string | null).filter((m): m is string => m !== null)),
    ].sort(),
    input_tokens: sum('input_tokens'),
    output_tokens: sum('output_tokens'),
    cached_input_tokens: sum('cached_input_tokens'),
    errors: calls.filter((c) => c.status_code === 'ERROR').length,
    messages: reconstructConversation(summaries, sessionMessages)
      .filter((m) => !isPlaceholder(m))
      .map((m) => ({
        role: m.role as GroundTruthSession['messages'][number]['role'],
        content: m.content,
        ...(m.role === 'tool' ? { tool_call_id: m.toolCallId } : {}),
      })),
  };
}

export function expectedOf(session: GroundTruthSession): Observed {
  return {
    llm_calls: session.llm_calls,
    models: session.models,
    input_tokens: session.input_tokens,
    output_tokens: session.output_tokens,
    cached_input_tokens: session.cached_input_tokens,
    errors: session.errors,
    messages: session.messages.map((m) => ({
      role: m.role,
      content: m.content,
      ...(m.role === 'tool' ? { tool_call_id: m.tool_call_id ?? null } : {}),
    })),
  };
}

/** Distinct non-null session ids stored in the spans table. */
export async function storedSessionIds(dataDir: string): Promise<string[]> {
  const rows = await queryTable(
    dataDir,
    'spans',
    'SELECT DISTINCT session_id FROM {table} WHERE session_id IS NOT NULL ORDER BY 1',
  );
  return rows.map((r) => r.session_id as string);
}

export type ObservedSummary = Pick<
  Observed,
  'llm_calls' | 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'errors'
>;

/** The session's totals as the sessions page reads them: its `sessions` summary rows, summed. */
export async function observeSummary(
  dataDir: string,
  expected: GroundTruthSession,
): Promise<ObservedSummary> {
  const [row] = await queryTable(
    dataDir,
    'sessions',
    `SELECT coalesce(sum(llm_calls), 0)::DOUBLE AS llm_calls, coalesce(sum(input_tokens), 0)::DOUBLE AS input_tokens,
            coalesce(sum(output_tokens), 0)::DOUBLE AS output_tokens,
            coalesce(sum(cached_input_tokens), 0)::DOUBLE AS cached_input_tokens,
            coalesce(sum(errors), 0)::DOUBLE AS errors
       FROM {table} WHERE ${
         expected.session_id === null
           ? 'session_id IS NULL AND list_contains($traces, trace_id)'
           : 'session_id = $session'
       }`,
    expected.session_id === null
      ? { traces: listValue(expected.trace_ids ?? []) }
      : { session: expected.session_id },
  );
  return {
    llm_calls: Number(row?.llm_calls),
    input_tokens: Number(row?.input_tokens),
    output_tokens: Number(row?.output_tokens),
    cached_input_tokens: Number(row?.cached_input_tokens),
    errors: Number(row?.errors),
  };
}

export function expectedSummaryOf(session: GroundTruthSession): ObservedSummary {
  const { llm_calls, input_tokens, output_tokens, cached_input_tokens, errors } = session;
  return { llm_calls, input_tokens, output_tokens, cached_input_tokens, errors };
}
