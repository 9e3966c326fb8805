/**
 * Ground truth from the exchange the fake server saw, reduced to what the library puts on the wire.
 * Pure: calls + what the library is known to record -> sessions.
 */
import type { GroundTruthMessage, GroundTruthSession, MessageRole } from '../src/ground-truth.ts';
import type { RecordedCall, WireMessage } from './fake-openai.ts';

/** What a library records, checked against its captured bodies (see README). */
export interface WireProfile {
  cachedTokens: boolean;
  /** A failed call still produces a model-call span (marked as failed). */
  failedCallSpans: boolean;
  /** Token counts of streamed calls reach the wire (when the server sent usage). */
  streamUsage: boolean;
  /** Streamed calls carry the model the server answered with (else only the requested one). */
  streamResponseModel: boolean;
}

const ROLES: Record<string, MessageRole> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
};

function textOf(content: WireMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

interface Keyed {
  message: GroundTruthMessage;
  key: string;
}

function normalize(m: WireMessage): Keyed {
  const role = ROLES[m.role];
  if (!role) throw new Error(`unexpected role ${m.role}`);
  const text = textOf(m.content);
  const message: GroundTruthMessage = { role, content: text === '' ? null : text };
  if (role === 'tool') message.tool_call_id = m.tool_call_id ?? null;
  const calls = (m.tool_calls ?? []).map((c) => [c.id, c.function.name, c.function.arguments]);
  return { message, key: JSON.stringify([message, calls]) };
}

/** Each call re-sends history: keep its input beyond the common prefix with the previous exchange. */
export function reconstructMessages(calls: RecordedCall[]): GroundTruthMessage[] {
  const out: GroundTruthMessage[] = [];
  let previous: Keyed[] = [];
  for (const call of calls) {
    const input = call.request.messages.map(normalize);
    let common = 0;
    while (common < input.length && common < previous.length && input[common]!.key === previous[common]!.key)
      common++;
    const output = call.response ? [normalize(call.response.message)] : [];
    out.push(...input.slice(common).map((k) => k.message), ...output.map((k) => k.message));
    previous = [...input, ...output];
  }
  return out;
}

function usageVisible(call: RecordedCall, profile: WireProfile): boolean {
  if (!call.response) return false;
  if (!call.request.stream) return true;
  return call.request.includeUsage && profile.streamUsage;
}

function modelOnWire(call: RecordedCall, profile: WireProfile): string {
  return call.request.stream && !profile.streamResponseModel ? call.request.model : call.response!.model;
}

export function sessionsFrom(
  calls: RecordedCall[],
  profile: WireProfile,
  noSessionTraceIds: string[],
): GroundTruthSession[] {
  const order: (string | null)[] = [];
  for (const call of calls) if (!order.includes(call.session)) order.push(call.session);
  const visibleCalls = calls.filter((c) => c.status === 200 || profile.failedCallSpans);
  // A session whose every call left no span is not on the wire at all.
  return order.flatMap((session) => {
    const visible = visibleCalls.filter((c) => c.session === session);
    if (visible.length === 0) return [];
    const counted = visible.filter((c) => usageVisible(c, profile));
    const sum = (pick: (c: RecordedCall) => number) => counted.reduce((n, c) => n + pick(c), 0);
    const models = [...new Set(visible.flatMap((c) => (c.response ? [modelOnWire(c, profile)] : [])))].sort();
    const result: GroundTruthSession = {
      session_id: session,
      llm_calls: visible.length,
      models,
      input_tokens: sum((c) => c.response!.usage.prompt_tokens),
      output_tokens: sum((c) => c.response!.usage.completion_tokens),
      cached_input_tokens: profile.cachedTokens
        ? sum((c) => c.response!.usage.prompt_tokens_details.cached_tokens)
        : 0,
      errors: visible.filter((c) => c.status !== 200).length,
      messages: reconstructMessages(visible),
    };
    return [session === null ? { ...result, trace_ids: noSessionTraceIds } : result];
  });
}
