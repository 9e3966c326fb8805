import type { MessageRow } from '../../rows.ts';
import type { BatchCache, MessageFields } from '../batch-cache.ts';
import { fnv1a64Concat } from '../hash.ts';
import type { Message, Part } from './message.ts';

/** Longest message content kept; longer text is cut with a problem recorded on the span. */
export const CONTENT_MAX_CHARS = 1024 * 1024;

/**
 * Longest `parts` JSON kept: it holds the text again, escaped, besides tool arguments, so twice
 * the content limit; a message whose content was kept whole keeps its parts too.
 */
export const PARTS_MAX_CHARS = 2 * CONTENT_MAX_CHARS;

/** The problem text of a message over CONTENT_MAX_CHARS or PARTS_MAX_CHARS. */
export function truncatedText(length: number, what: 'content' | 'parts'): string {
  return what === 'content'
    ? `message content of ${length} characters cut`
    : `message parts of ${length} characters dropped; content keeps the text`;
}

/** Deeper than this, a value inside parts (tool arguments, a tool's response) is cut. */
const PARTS_MAX_DEPTH = 64;
const CUT = '[nested deeper than 64 levels: cut]';

/**
 * JSON of parts. normalizePart builds every known part type with a fixed key order, so equal
 * messages serialize (and hash) equally without the cost of sorting keys. JSON.stringify
 * recurses: tool arguments of 20,000 nested brackets (40 KB of valid JSON) overflow the stack,
 * and did so again at every flush. Only such a value pays for the bounded copy, with the cut
 * marked in place.
 */
export function partsJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return JSON.stringify(cutDeep(value, 0)) ?? 'null';
  }
}

function cutDeep(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= PARTS_MAX_DEPTH) return CUT;
  if (Array.isArray(value)) return value.map((item) => cutDeep(item, depth + 1));
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) out[key] = cutDeep(item, depth + 1);
  return out;
}

function responseText(response: unknown): string | null {
  if (typeof response === 'string') return response;
  if (response === null || response === undefined) return null;
  return partsJson(response);
}

/**
 * Plain text of a message: its text parts joined by newlines; for a tool result without text,
 * the tool's response (so a tool message reads as what the tool said).
 */
export function plainText(parts: readonly Part[]): string | null {
  let text: string | null = null;
  for (const p of parts) {
    if (p.type === 'text' && typeof p.content === 'string')
      text = text === null ? p.content : `${text}\n${p.content}`;
  }
  if (text !== null) return text;
  const response = parts.find((p) => p.type === 'tool_call_response');
  return response === undefined ? null : responseText(response.response);
}

/** Content is derived from the parts, so role + parts identify a message. */
export function contentHash(role: string, parts: string | null): string {
  return fnv1a64Concat(role, '\u0000', parts ?? '');
}

export interface MessageContext {
  sessionId: string | null;
  traceId: string;
  spanId: string;
  startTime: number;
  model: string | null;
  source: MessageRow['source'];
}

export function messageRow(
  msg: Message,
  direction: 'input' | 'output',
  seq: number,
  ctx: MessageContext,
  /** `what` was over its limit: content is cut at CONTENT_MAX_CHARS, parts are dropped. */
  onTruncate: (length: number, what: 'content' | 'parts') => void,
  cache: BatchCache,
): MessageRow {
  let fields = cache.fields.get(msg);
  if (fields === undefined) {
    fields = messageFields(msg);
    cache.fields.set(msg, fields);
  }
  let content = fields.content;
  if (content !== null && content.length > CONTENT_MAX_CHARS) {
    onTruncate(content.length, 'content');
    content = content.slice(0, CONTENT_MAX_CHARS);
  }
  // Parts hold the same text again (and tool arguments): cut JSON would not parse, so parts that
  // long are dropped; content keeps the (cut) text, content_hash still identifies the message.
  let parts = fields.parts;
  if (parts !== null && parts.length > PARTS_MAX_CHARS) {
    onTruncate(parts.length, 'parts');
    parts = null;
  }
  return {
    session_id: ctx.sessionId,
    trace_id: ctx.traceId,
    span_id: ctx.spanId,
    start_time: ctx.startTime,
    seq,
    direction,
    role: msg.role,
    content,
    parts,
    tool_call_id: fields.toolCallId,
    tool_name: fields.toolName,
    finish_reason: direction === 'output' ? (msg.finishReason ?? null) : null,
    model: ctx.model,
    content_hash: fields.contentHash,
    source: ctx.source,
  };
}

function messageFields(msg: Message): MessageFields {
  const parts = msg.parts.length === 0 ? null : partsJson(msg.parts);
  let response: Part | undefined;
  let call: Part | undefined;
  for (const p of msg.parts) {
    if (response === undefined && p.type === 'tool_call_response') response = p;
    else if (call === undefined && p.type === 'tool_call') call = p;
  }
  return {
    content: plainText(msg.parts),
    parts,
    toolCallId: msg.toolCallId ?? (typeof response?.id === 'string' ? response.id : null),
    toolName:
      (typeof response?.name === 'string' ? response.name : null) ??
      (typeof call?.name === 'string' ? call.name : null) ??
      // a tool's (or, before tools, a function's) result names what answered
      ((msg.role === 'tool' || msg.role === 'function') && msg.name !== undefined ? msg.name : null),
    contentHash: contentHash(msg.role, parts),
  };
}
