import type { AnyValue, Attributes, OtlpEvent } from '../../otlp.ts';
import type { BatchCache } from '../batch-cache.ts';
import { indexedGroups } from '../flattened.ts';
import type { ProblemSink } from '../problems.ts';
import { isRecord, str, structured, structuredOrText, tryJson } from '../values.ts';
import {
  CHOICE_EVENT,
  contentEvent,
  messageEventRole,
  messageEvent,
  OPERATION_DETAILS_EVENT,
} from './legacy-events.ts';
import type { Message, Part } from './message.ts';
import { partsJson } from './rows.ts';
import { rawJson } from '../raw-json.ts';
import {
  contentParts,
  normalizeArguments,
  normalizeRole,
  responsesItem,
  systemInstructions,
  toMessage,
  toMessages,
} from './parts.ts';

export interface SpanMessages {
  inputs: Message[];
  outputs: Message[];
  inputSource: 'span_attribute' | 'span_event';
  outputSource: 'span_attribute' | 'span_event';
}

type Found = { messages: Message[]; source: 'span_attribute' | 'span_event' } | null;

/** Where a span's history may continue one read before: the batch's cache and the span's session. */
export interface HistoryContext {
  cache: BatchCache;
  sessionId: string | null;
}

/** Current OTel: JSON strings or structured values, system instructions given apart from history. */
function otelInputs(
  attrs: Attributes,
  problems: ProblemSink,
  context: HistoryContext | null,
): Message[] | null {
  const history = otelHistory(attrs, problems, context);
  const system = structuredOrText(attrs, 'gen_ai.system_instructions', problems);
  if (history === undefined && system === undefined) return null;
  const messages = history ?? [];
  const sys = system === undefined ? null : systemInstructions(system);
  return sys === null || repeatsInstructions(messages, sys) ? messages : [sys, ...messages];
}

/**
 * `gen_ai.input.messages` as messages; undefined when absent or unreadable. A call re-sends the
 * conversation so far: when the text is the session's previous history with elements appended
 * (`[a,b]` then `[a,b,c,d]`), only the appended elements are parsed, and the earlier messages are
 * the same objects, whose row fields are then computed once per batch. JSON array elements are
 * read independently, so this gives exactly what parsing the whole text gives; any other text is
 * parsed whole.
 */
function otelHistory(
  attrs: Attributes,
  problems: ProblemSink,
  context: HistoryContext | null,
): Message[] | undefined {
  const key = 'gen_ai.input.messages';
  const raw = attrs[key];
  if (context === null || context.sessionId === null || typeof raw !== 'string') {
    const history = structured(attrs, key, problems);
    return history === undefined ? undefined : toMessages(history, 'user');
  }
  const text = raw.trim();
  const previous = context.cache.histories.get(context.sessionId);
  let messages: Message[] | undefined;
  if (previous !== undefined && text.endsWith(']') && text.startsWith(previous.open)) {
    const appended = tryJson(`[${text.slice(previous.open.length)}`);
    // an empty tail would make `[a,]`, which the whole text's parse rejects
    if (Array.isArray(appended) && appended.length > 0)
      messages = [...previous.messages, ...toMessages(appended, 'user')];
  }
  if (messages === undefined) {
    const history = structured(attrs, key, problems);
    if (history === undefined) return undefined;
    messages = toMessages(history, 'user');
    if (!(Array.isArray(history) && history.length > 0 && text.endsWith(']'))) return messages;
  }
  context.cache.histories.set(context.sessionId, { open: `${text.slice(0, -1)},`, messages });
  return messages;
}

/** Some emitters send the instructions both apart and as the history's system message. */
export function repeatsInstructions(history: readonly Message[], sys: Message): boolean {
  const text = partsJson(sys.parts);
  return history.some((m) => m.role === 'system' && partsJson(m.parts) === text);
}

function otelOutputs(attrs: Attributes, problems: ProblemSink): Message[] | null {
  const out = structured(attrs, 'gen_ai.output.messages', problems);
  return out === undefined ? null : toMessages(out, 'assistant');
}

function eventsInOrder(events: readonly OtlpEvent[]): OtlpEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.timeUs - b.e.timeUs || a.i - b.i)
    .map((x) => x.e);
}

/** Span events: operation.details (>= 1.37), gen_ai.content.* (<= 1.27), per-message events. */
function fromEvents(
  events: readonly OtlpEvent[],
  problems: ProblemSink,
): { inputs: Message[] | null; outputs: Message[] | null } {
  let inputs: Message[] | null = null;
  let outputs: Message[] | null = null;
  const choices: Array<{ index: number; message: Message }> = [];
  for (const event of eventsInOrder(events)) {
    const attrs = isRecord(event.attributes) ? event.attributes : {};
    if (event.name === OPERATION_DETAILS_EVENT) {
      const i = otelInputs(attrs, problems, null);
      const o = otelOutputs(attrs, problems);
      if (i !== null) inputs = [...(inputs ?? []), ...i];
      if (o !== null) outputs = [...(outputs ?? []), ...o];
      continue;
    }
    const content = contentEvent(event.name, attrs, problems);
    if (content !== null) {
      if (content.direction === 'input') inputs = [...(inputs ?? []), ...content.messages];
      else outputs = [...(outputs ?? []), ...content.messages];
      continue;
    }
    if (messageEventRole(event.name) !== undefined || event.name === CHOICE_EVENT) {
      // on a span event the body's fields are the event attributes (or a JSON `body` attribute)
      const body: AnyValue = attrs.body ?? attrs;
      const m = messageEvent(event.name, body, `events.${event.name}`, problems);
      if (m === null) continue;
      if (m.direction === 'input') inputs = [...(inputs ?? []), m.message];
      else choices.push({ index: m.index, message: m.message });
    }
  }
  if (choices.length > 0) {
    choices.sort((a, b) => a.index - b.index);
    outputs = [...(outputs ?? []), ...choices.map((c) => c.message)];
  }
  return { inputs, outputs };
}

/** A string that is a JSON-encoded list of content parts (OpenLLMetry stringifies list content). */
function maybePartsList(content: string): Part[] | null {
  const parsed = tryJson(content);
  if (!Array.isArray(parsed) || parsed.length === 0) return null;
  if (!parsed.every((p) => isRecord(p) && typeof p.type === 'string')) return null;
  return contentParts(parsed);
}

function toolCallsFrom(
  fields: Attributes,
  prefix: string,
  idKey: string,
  nameKey: string,
  argsKey: string,
): Part[] {
  const groups = indexedGroups(fields, prefix);
  return groups.map(({ fields: f }) => {
    const part: Part = { type: 'tool_call' };
    const id = str(f, idKey);
    const name = str(f, nameKey);
    if (id !== null) part.id = id;
    if (name !== null) part.name = name;
    part.arguments = normalizeArguments(f[argsKey]);
    return part;
  });
}

/** OpenLLMetry indexed form: gen_ai.prompt.{i}.* / gen_ai.completion.{i}.* */
function traceloop(attrs: Attributes, prefix: string, fallbackRole: string): Message[] | null {
  const groups = indexedGroups(attrs, prefix);
  if (groups.length === 0) return null;
  return groups.map(({ fields }) => {
    const role = normalizeRole(fields.role, fallbackRole);
    const content = typeof fields.content === 'string' ? fields.content : null;
    const toolCallId = str(fields, 'tool_call_id');
    const msg: Message = { role, parts: [] };
    if (role === 'tool' && toolCallId !== null) {
      msg.parts.push({ type: 'tool_call_response', id: toolCallId, response: content });
    } else if (content !== null) {
      msg.parts.push(...(maybePartsList(content) ?? contentParts(content)));
    }
    const refusal = str(fields, 'refusal');
    if (refusal !== null) msg.parts.push({ type: 'refusal', content: refusal });
    msg.parts.push(...toolCallsFrom(fields, 'tool_calls', 'id', 'name', 'arguments'));
    msg.parts.push(...legacyFunctionCall(fields, 'function_call.name', 'function_call.arguments'));
    if (toolCallId !== null) msg.toolCallId = toolCallId;
    const finish = str(fields, 'finish_reason');
    if (finish !== null) msg.finishReason = finish;
    return msg;
  });
}

/** OpenInference: llm.input_messages.{i}.message.* / llm.output_messages.{i}.message.* */
function openInference(attrs: Attributes, prefix: string, fallbackRole: string): Message[] | null {
  const groups = indexedGroups(attrs, prefix);
  if (groups.length === 0) return null;
  return groups.map(({ fields }) => {
    const role = normalizeRole(fields['message.role'], fallbackRole);
    const msg: Message = { role, parts: [] };
    const content = typeof fields['message.content'] === 'string' ? fields['message.content'] : null;
    const toolCallId = str(fields, 'message.tool_call_id');
    const name = str(fields, 'message.name');
    if (name !== null) msg.name = name;
    if (role === 'tool' && toolCallId !== null) {
      msg.parts.push({ type: 'tool_call_response', id: toolCallId, response: content });
    } else if (content !== null) {
      msg.parts.push(...contentParts(content));
    }
    for (const { fields: c } of indexedGroups(fields, 'message.contents')) {
      const type = str(c, 'message_content.type');
      if (type === 'image') {
        const url = str(c, 'message_content.image.image.url');
        if (url !== null) msg.parts.push(...contentParts([{ type: 'image_url', image_url: { url } }]));
      } else {
        const text = str(c, 'message_content.text');
        if (text !== null) msg.parts.push({ type: 'text', content: text });
      }
    }
    msg.parts.push(
      ...toolCallsFrom(
        fields,
        'message.tool_calls',
        'tool_call.id',
        'tool_call.function.name',
        'tool_call.function.arguments',
      ),
    );
    msg.parts.push(
      ...legacyFunctionCall(fields, 'message.function_call_name', 'message.function_call_arguments_json'),
    );
    if (toolCallId !== null) msg.toolCallId = toolCallId;
    return msg;
  });
}

/** OpenAI's function calling before tools: one call per message, named, without an id. */
function legacyFunctionCall(fields: Attributes, nameKey: string, argsKey: string): Part[] {
  const name = str(fields, nameKey);
  return name === null ? [] : [{ type: 'tool_call', name, arguments: normalizeArguments(fields[argsKey]) }];
}

/** Vercel AI SDK legacy inner span: ai.prompt.messages in, ai.response.* out. */
function vercelInputs(attrs: Attributes, problems: ProblemSink): Message[] | null {
  const v = structured(attrs, 'ai.prompt.messages', problems);
  return v === undefined ? null : toMessages(v, 'user');
}

function vercelOutputs(attrs: Attributes, problems: ProblemSink): Message[] | null {
  // generateObject's inner span answers with an object instead of text
  const text = str(attrs, 'ai.response.text') ?? str(attrs, 'ai.response.object');
  const reasoning = str(attrs, 'ai.response.reasoning');
  const calls = structured(attrs, 'ai.response.toolCalls', problems);
  const toolCalls = Array.isArray(calls)
    ? contentParts(calls.map((c) => (isRecord(c) ? { type: 'tool-call', ...c } : c)))
    : [];
  if (text === null && reasoning === null && toolCalls.length === 0) {
    return attrs['ai.response.text'] === '' ? [{ role: 'assistant', parts: [] }] : null;
  }
  const parts: Part[] = [];
  if (reasoning !== null) parts.push({ type: 'reasoning', content: reasoning });
  if (text !== null) parts.push({ type: 'text', content: text });
  parts.push(...toolCalls);
  const msg: Message = { role: 'assistant', parts };
  const finish = str(attrs, 'ai.response.finishReason');
  if (finish !== null) msg.finishReason = finish;
  return [msg];
}

/**
 * Raw observation I/O (Langfuse `langfuse.observation.input/output`, OpenInference
 * `input.value/output.value`): any shape. Message lists (OpenAI Responses item lists too),
 * `{messages}` requests, `{choices}` responses and a lone Responses item are recognized; a string
 * is one text message; anything else is kept as JSON text.
 */
function rawIo(
  attrs: Attributes,
  key: string,
  fallbackRole: string,
  problems: ProblemSink,
): Message[] | null {
  const raw = attrs[key];
  if (raw === undefined || raw === null || raw === '') return null;
  const value = typeof raw === 'string' ? (tryJson(raw) ?? raw) : raw;
  if (typeof value === 'string') return [{ role: fallbackRole, parts: [{ type: 'text', content: value }] }];
  if (Array.isArray(value)) return toMessages(value, fallbackRole);
  if (isRecord(value)) {
    if (Array.isArray(value.messages)) return toMessages(value.messages, fallbackRole);
    if (Array.isArray(value.choices)) return choices(value.choices);
    if (typeof value.role === 'string') {
      const m = toMessage(value, fallbackRole);
      return m === null ? [] : [m];
    }
    // one OpenAI Responses item: Langfuse records a lone output item (a function call) by itself
    const item = typeof value.type === 'string' ? responsesItem(value, value.type) : null;
    if (item !== null) return [item];
  }
  problems.add('unrecognized_messages', 'value is not a message list; kept as text', key);
  return [{ role: fallbackRole, parts: [{ type: 'text', content: rawJson(value, key, problems) }] }];
}

/** An OpenAI-style `choices` array, in index order. */
function choices(list: unknown[]): Message[] {
  const out: Array<{ index: number; message: Message }> = [];
  list.forEach((c, i) => {
    if (!isRecord(c)) return;
    const message = toMessage(c.message ?? { content: c.text ?? null }, 'assistant');
    if (message === null) return;
    if (typeof c.finish_reason === 'string') message.finishReason = c.finish_reason;
    out.push({ index: typeof c.index === 'number' ? c.index : i, message });
  });
  return out.sort((a, b) => a.index - b.index).map((c) => c.message);
}

/** OpenInference falls back to the raw `input.value` / `output.value` of an LLM span. */
function openInferenceRaw(
  attrs: Attributes,
  key: string,
  fallbackRole: string,
  problems: ProblemSink,
): Message[] | null {
  return attrs['openinference.span.kind'] === undefined ? null : rawIo(attrs, key, fallbackRole, problems);
}

function first(...found: Array<() => Found>): Found {
  for (const f of found) {
    const r = f();
    if (r !== null) return r;
  }
  return null;
}

const attr = (messages: Message[] | null): Found =>
  messages === null ? null : { messages, source: 'span_attribute' };
const event = (messages: Message[] | null): Found =>
  messages === null ? null : { messages, source: 'span_event' };

/** The conversation messages carried by a span itself, by the priority of docs/schema.md; null when none. */
export function spanMessages(
  attrs: Attributes,
  events: readonly OtlpEvent[],
  problems: ProblemSink,
  history: HistoryContext | null,
): SpanMessages | null {
  let fromSpanEvents: ReturnType<typeof fromEvents> | undefined;
  const evs = () => (fromSpanEvents ??= fromEvents(events, problems));
  const inputs = first(
    () => attr(otelInputs(attrs, problems, history)),
    () => event(evs().inputs),
    () => attr(traceloop(attrs, 'gen_ai.prompt', 'user')),
    () => attr(openInference(attrs, 'llm.input_messages', 'user')),
    () => attr(openInferenceRaw(attrs, 'input.value', 'user', problems)),
    () => attr(vercelInputs(attrs, problems)),
    () => attr(rawIo(attrs, 'langfuse.observation.input', 'user', problems)),
  );
  const outputs = first(
    () => attr(otelOutputs(attrs, problems)),
    () => event(evs().outputs),
    () => attr(traceloop(attrs, 'gen_ai.completion', 'assistant')),
    () => attr(openInference(attrs, 'llm.output_messages', 'assistant')),
    () => attr(openInferenceRaw(attrs, 'output.value', 'assistant', problems)),
    () => attr(vercelOutputs(attrs, problems)),
    () => attr(rawIo(attrs, 'langfuse.observation.output', 'assistant', problems)),
  );
  if (inputs === null && outputs === null) return null;
  return {
    inputs: inputs?.messages ?? [],
    outputs: outputs?.messages ?? [],
    inputSource: inputs?.source ?? 'span_attribute',
    outputSource: outputs?.source ?? 'span_attribute',
  };
}
