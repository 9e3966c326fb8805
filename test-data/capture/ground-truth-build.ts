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
  /**
   * The library counts streamed calls' tokens itself instead of recording the server's usage
   * (Traceloop SDK's enrichTokens): its count, or null where it records none. Replaces `streamUsage`.
   */
  streamUsageEstimate?: (call: RecordedCall) => { input: number; output: number } | null;
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

interface Tokens {
  input: number;
  output: number;
  cached: number;
}

/** The token counts a call's span carries, or null when it carries none. */
function wireTokens(call: RecordedCall, profile: WireProfile): Tokens | null {
  if (!call.response) return null;
  if (call.request.stream && profile.streamUsageEstimate) {
    const estimate = profile.streamUsageEstimate(call);
    return estimate && { ...estimate, cached: 0 };
  }
  if (call.request.stream && !(call.request.includeUsage && profile.streamUsage)) return null;
  const u = call.response.usage;
  return {
    input: u.prompt_tokens,
    output: u.completion_tokens,
    cached: profile.cachedTokens ? u.prompt_tokens_details.cached_tokens : 0,
  };
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
    const counted = visible.flatMap((c) => wireTokens(c, profile) ?? []);
    const sum = (pick: (t: Tokens) => number) => counted.reduce((n, t) => n + pick(t), 0);
    const models = [...new Set(visible.flatMap((c) => (c.response ? [modelOnWire(c, profile)] : [])))].sort();
    const result: GroundTruthSession = {
      session_id: session,
      llm_calls: visible.length,
      models,
      input_tokens: sum((t) => t.input),
      output_tokens: sum((t) => t.output),
      cached_input_tokens: sum((t) => t.cached),
      errors: visible.filter((c) => c.status !== 200).length,
      messages: reconstructMessages(visible),
    };
    return [session === null ? { ...result, trace_ids: noSessionTraceIds } : result];
  });
}
