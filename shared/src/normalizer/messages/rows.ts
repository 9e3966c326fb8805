import type { MessageRow } from '../../rows.ts';
import { fnv1a64 } from '../hash.ts';
import type { Message, Part } from './message.ts';

/** Longest message content kept; longer text is cut with a problem recorded on the span. */
export const CONTENT_MAX_CHARS = 1024 * 1024;

/**
 * JSON of parts. normalizePart builds every known part type with a fixed key order, so equal
 * messages serialize (and hash) equally without the cost of sorting keys.
 */
export function partsJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
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
  const texts = parts
    .filter((p) => p.type === 'text' && typeof p.content === 'string')
    .map((p) => p.content as string);
  if (texts.length > 0) return texts.join('\n');
  const response = parts.find((p) => p.type === 'tool_call_response');
  return response === undefined ? null : responseText(response.response);
}

/** Content is derived from the parts, so role + parts identify a message. */
export function contentHash(role: string, parts: string | null): string {
  return fnv1a64(`${role}\u0000${parts ?? ''}`);
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
  onTruncate: (length: number) => void,
): MessageRow {
  let content = plainText(msg.parts);
  if (content !== null && content.length > CONTENT_MAX_CHARS) {
    onTruncate(content.length);
    content = content.slice(0, CONTENT_MAX_CHARS);
  }
  const parts = msg.parts.length === 0 ? null : partsJson(msg.parts);
  const response = msg.parts.find((p) => p.type === 'tool_call_response');
  const call = msg.parts.find((p) => p.type === 'tool_call');
  const toolCallId = msg.toolCallId ?? (typeof response?.id === 'string' ? response.id : null);
  const toolName =
    (typeof response?.name === 'string' ? response.name : null) ??
    (typeof call?.name === 'string' ? call.name : null) ??
    (msg.role === 'tool' && msg.name !== undefined ? msg.name : null);
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
    tool_call_id: toolCallId,
    tool_name: toolName,
    finish_reason: direction === 'output' ? (msg.finishReason ?? null) : null,
    model: ctx.model,
    content_hash: contentHash(msg.role, parts),
    source: ctx.source,
  };
}
