import type { AnyValue } from '../../otlp.ts';
import type { ProblemSink } from '../problems.ts';
import { isRecord, parseJson } from '../values.ts';
import type { Message } from './message.ts';
import { toMessage, toMessages } from './parts.ts';
import { ownValue } from '../own-value.ts';

/** OTel 1.28–1.36 per-message events -> the role they imply. */
const MESSAGE_EVENT_ROLES: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/** The role an OTel 1.28–1.36 message event implies, or undefined for any other name. */
export function messageEventRole(name: string): string | undefined {
  return ownValue(MESSAGE_EVENT_ROLES, name);
}

export const CHOICE_EVENT = 'gen_ai.choice';
export const OPERATION_DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

function bodyObject(body: AnyValue | undefined, field: string, problems: ProblemSink): AnyValue | undefined {
  if (typeof body === 'string') {
    const t = body.trim();
    if (t.startsWith('{') || t.startsWith('[')) return parseJson(t, field, problems);
    return body === '' ? undefined : { content: body };
  }
  // A scalar body is the message's text, as a string body is: an app that logs a bare number
  // or flag still said something.
  if (typeof body === 'number' || typeof body === 'boolean') return { content: String(body) };
  return body;
}

/**
 * One 1.28–1.36 event (log record body, or span event attributes) -> message(s) with a direction.
 * An empty body is still a message (capture was off: the message existed, its content withheld).
 */
export function messageEvent(
  name: string,
  body: AnyValue | undefined,
  field: string,
  problems: ProblemSink,
): { direction: 'input' | 'output'; message: Message; index: number } | null {
  const role = messageEventRole(name);
  const value = bodyObject(body, field, problems) ?? {};
  if (role !== undefined) {
    const message = toMessage(value, role);
    return message === null ? null : { direction: 'input', message, index: 0 };
  }
  if (name === CHOICE_EVENT) {
    const obj = isRecord(value) ? value : {};
    const message = toMessage(obj.message ?? {}, 'assistant') ?? { role: 'assistant', parts: [] };
    if (typeof obj.finish_reason === 'string') message.finishReason = obj.finish_reason;
    const index = typeof obj.index === 'number' ? obj.index : 0;
    return { direction: 'output', message, index };
  }
  return null;
}

/** OTel <= 1.27 span events carry the whole prompt/completion as one JSON string (OpenAI format). */
export function contentEvent(
  name: string,
  attrs: Record<string, AnyValue>,
  problems: ProblemSink,
): { direction: 'input' | 'output'; messages: Message[] } | null {
  if (name === 'gen_ai.content.prompt') {
    const raw = attrs['gen_ai.prompt'];
    const value = typeof raw === 'string' ? parseJson(raw, 'gen_ai.prompt', problems) : raw;
    return { direction: 'input', messages: toMessages(value, 'user') };
  }
  if (name === 'gen_ai.content.completion') {
    const raw = attrs['gen_ai.completion'];
    const value = typeof raw === 'string' ? parseJson(raw, 'gen_ai.completion', problems) : raw;
    return { direction: 'output', messages: toMessages(value, 'assistant') };
  }
  return null;
}
