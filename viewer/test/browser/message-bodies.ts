/**
 * Crafted OTLP/JSON sessions for the message-details tests: GenAI chat spans (v1.37 attributes)
 * whose messages, usage, cost and status are written out in full, one session per case.
 */
import { hex } from './otlp-json.ts';

type Value = string | number;
type Part = Record<string, unknown>;
interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

export interface CraftedCall {
  sessionId: string;
  /** Distinguishes the calls of all sessions: ids are derived from it. */
  n: number;
  startMs: number;
  input: Message[];
  output: Message[];
  attributes?: Record<string, Value>;
  status?: { code: 1 | 2; message?: string };
}

const text = (content: string): Part => ({ type: 'text', content });

function attr(key: string, value: Value) {
  return typeof value === 'number'
    ? Number.isInteger(value)
      ? { key, value: { intValue: String(value) } }
      : { key, value: { doubleValue: value } }
    : { key, value: { stringValue: value } };
}

function span(c: CraftedCall) {
  const start = BigInt(Math.round(c.startMs)) * 1_000_000n;
  const attributes: Record<string, Value> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.conversation.id': c.sessionId,
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': 20,
    'gen_ai.input.messages': JSON.stringify(c.input),
    'gen_ai.output.messages': JSON.stringify(c.output),
    ...c.attributes,
  };
  return {
    traceId: hex(0xd0000 + c.n, 32),
    spanId: hex(0xd000 + c.n, 16),
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 1_000_000_000n).toString(),
    attributes: Object.entries(attributes).map(([k, v]) => attr(k, v)),
    status: c.status ?? { code: 1 },
  };
}

function traceBody(calls: CraftedCall[]): Uint8Array {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'message-details')] },
        scopeSpans: [{ scope: { name: 'parley-viewer-test' }, spans: calls.map(span) }],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

export const PARAGRAPHS_SESSION = 'details-paragraphs';
export const PARAGRAPHS = ['First paragraph of my question.', 'Second paragraph: what is OTel?'];

export function messageDetailsBody(nowMs: number): Uint8Array {
  return traceBody([
    {
      sessionId: PARAGRAPHS_SESSION,
      n: 1,
      startMs: nowMs - 60_000,
      input: [{ role: 'user', parts: PARAGRAPHS.map(text) }],
      output: [{ role: 'assistant', parts: [text('A standard.')], finish_reason: 'stop' }],
    },
  ]);
}
