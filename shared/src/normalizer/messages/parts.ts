import { isRecord, tryJson } from '../values.ts';
import type { Message, Part } from './message.ts';

/** Inline binary content longer than this is replaced by its length: messages keep images by reference. */
const INLINE_BLOB_MAX_CHARS = 2048;

export function normalizeRole(role: unknown, fallback: string): string {
  if (typeof role !== 'string' || role.trim() === '') return fallback;
  const r = role.trim().toLowerCase();
  return r === 'developer' ? 'system' : r;
}

/** Tool arguments may be an object or a JSON string (possibly invalid): parse when it is valid JSON. */
export function normalizeArguments(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  const parsed = tryJson(v);
  return parsed === undefined ? v : parsed;
}

function s(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function withoutUndefined(part: Record<string, unknown>): Part {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(part)) if (v !== undefined) out[k] = v;
  return out as Part;
}

function modalityOf(mime: string | undefined, fallback: string): string {
  if (mime === undefined) return fallback;
  const top = mime.split('/')[0] ?? '';
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'document';
}

/** Binary content becomes a reference: URLs stay, inline data longer than a few KB is dropped. */
function binaryPart(
  data: unknown,
  mime: string | undefined,
  modality: string,
  extra: Record<string, unknown> = {},
): Part {
  if (typeof data === 'string' && /^(https?|gs|s3|file):/i.test(data)) {
    return withoutUndefined({ type: 'uri', modality, mime_type: mime, uri: data, ...extra });
  }
  if (typeof data === 'string' && data.startsWith('data:')) {
    const m = /^data:([^;,]+)/.exec(data);
    const dataMime = mime ?? m?.[1];
    return inlineBlob(data, dataMime, modalityOf(dataMime, modality), extra);
  }
  return inlineBlob(data, mime, modality, extra);
}

function inlineBlob(
  data: unknown,
  mime: string | undefined,
  modality: string,
  extra: Record<string, unknown>,
): Part {
  if (typeof data === 'string' && data.length > INLINE_BLOB_MAX_CHARS) {
    return withoutUndefined({
      type: 'blob',
      modality,
      mime_type: mime,
      content_length: data.length,
      ...extra,
    });
  }
  return withoutUndefined({ type: 'blob', modality, mime_type: mime, content: data, ...extra });
}

function toolResponseValue(v: unknown): unknown {
  // Vercel v5+: output {type: 'text'|'json'|'error-text'|…, value}
  if (isRecord(v) && typeof v.type === 'string' && 'value' in v) return v.value;
  return v ?? null;
}

/**
 * One content part from any of the shapes on the wire (OTel schema, OpenAI chat/responses,
 * Vercel AI SDK prompt, Anthropic, OpenInference) into the OTel part schema. Unknown part
 * types are kept as sent.
 */
export function normalizePart(raw: unknown): Part | null {
  if (typeof raw === 'string') return { type: 'text', content: raw };
  if (!isRecord(raw)) return null;
  const type = typeof raw.type === 'string' ? raw.type : 'text';
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      const content = s(raw.content) ?? s(raw.text);
      return content === undefined ? withoutUndefined({ ...raw, type: 'text' }) : { type: 'text', content };
    }
    case 'reasoning':
    case 'thinking':
      return withoutUndefined({
        type: 'reasoning',
        // OpenAI Responses: a reasoning item's summary (or content) is a list of text parts
        content:
          s(raw.content) ??
          s(raw.text) ??
          s(raw.thinking) ??
          joinedText(raw.summary) ??
          joinedText(raw.content),
      });
    case 'refusal':
      return withoutUndefined({ type: 'refusal', content: s(raw.content) ?? s(raw.refusal) });
    case 'tool_call':
    case 'function_call':
      return withoutUndefined({
        type: 'tool_call',
        id: s(raw.id) ?? s(raw.call_id),
        name: s(raw.name),
        arguments: normalizeArguments(raw.arguments),
      });
    case 'tool-call':
      return withoutUndefined({
        type: 'tool_call',
        id: s(raw.toolCallId),
        name: s(raw.toolName),
        arguments: normalizeArguments(raw.input ?? raw.args),
      });
    case 'tool_use':
      return withoutUndefined({
        type: 'tool_call',
        id: s(raw.id),
        name: s(raw.name),
        arguments: normalizeArguments(raw.input),
      });
    case 'tool_call_response':
    case 'function_call_output':
      return withoutUndefined({
        type: 'tool_call_response',
        id: s(raw.id) ?? s(raw.call_id),
        response: raw.response ?? raw.result ?? raw.output ?? null,
      });
    case 'tool-result':
      return withoutUndefined({
        type: 'tool_call_response',
        id: s(raw.toolCallId),
        name: s(raw.toolName),
        response: toolResponseValue(raw.output ?? raw.result),
      });
    case 'tool_result':
      return withoutUndefined({
        type: 'tool_call_response',
        id: s(raw.tool_use_id),
        response: raw.content ?? null,
      });
    case 'image_url': {
      const url = isRecord(raw.image_url) ? raw.image_url.url : raw.image_url;
      return binaryPart(url, undefined, 'image');
    }
    case 'image': {
      // Anthropic: {source: {type: 'base64', media_type, data} | {type: 'url', url}}
      const source = isRecord(raw.source) ? raw.source : {};
      return binaryPart(
        raw.image ?? raw.url ?? raw.data ?? source.data ?? source.url,
        s(raw.mediaType) ?? s(raw.mimeType) ?? s(raw.mime_type) ?? s(source.media_type),
        'image',
      );
    }
    case 'document': {
      const source = isRecord(raw.source) ? raw.source : {};
      const mime = s(source.media_type);
      return binaryPart(
        source.data ?? source.url,
        mime,
        modalityOf(mime, 'document'),
        withoutUndefined({ filename: s(raw.title) }),
      );
    }
    case 'file': {
      if (typeof raw.file_id === 'string') return withoutUndefined({ ...raw });
      // OpenAI Chat: {file: {file_id} | {file_data, filename}}
      if (isRecord(raw.file)) return openAiFile(raw.file, 'document');
      return binaryPart(
        raw.data ?? raw.url,
        s(raw.mediaType) ?? s(raw.mimeType) ?? s(raw.mime_type),
        modalityOf(s(raw.mediaType) ?? s(raw.mimeType), 'document'),
        withoutUndefined({ filename: s(raw.filename) }),
      );
    }
    // OpenAI Responses: the image or file itself on the part, as a URL, inline data or a file id
    case 'input_image':
      return openAiFile({ file_id: raw.file_id, file_data: raw.image_url }, 'image');
    case 'input_file':
      return openAiFile(
        { file_id: raw.file_id, file_data: raw.file_data ?? raw.file_url, filename: raw.filename },
        'document',
      );
    case 'input_audio': {
      const audio = isRecord(raw.input_audio) ? raw.input_audio : {};
      const format = s(audio.format);
      return inlineBlob(audio.data, format === undefined ? undefined : `audio/${format}`, 'audio', {});
    }
    case 'blob': {
      const { content, modality, mime_type, ...rest } = raw;
      return inlineBlob(content, s(mime_type), s(modality) ?? 'document', rest);
    }
    default:
      return withoutUndefined({ ...raw, type });
  }
}

/** An OpenAI file by id (kept as a reference), else its data or URL as binary content. */
function openAiFile(file: Record<string, unknown>, modality: string): Part {
  const filename = s(file.filename);
  if (typeof file.file_id === 'string')
    return withoutUndefined({ type: 'file', modality, file_id: file.file_id, filename });
  return binaryPart(file.file_data, undefined, modality, withoutUndefined({ filename }));
}

/** The texts of a list of `{text}` parts, by newlines; undefined when it holds none. */
function joinedText(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const texts = v.flatMap((p) => (isRecord(p) && typeof p.text === 'string' ? [p.text] : []));
  return texts.length === 0 ? undefined : texts.join('\n');
}

/** OpenAI-style content: a string, null, or an array of parts. */
export function contentParts(content: unknown): Part[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', content }];
  if (Array.isArray(content)) return content.map(normalizePart).filter((p): p is Part => p !== null);
  const single = normalizePart(content);
  return single === null ? [] : [single];
}

export function openAiToolCalls(toolCalls: unknown): Part[] {
  if (!Array.isArray(toolCalls)) return [];
  const parts: Part[] = [];
  for (const tc of toolCalls) {
    if (!isRecord(tc)) continue;
    const fn = isRecord(tc.function) ? tc.function : tc;
    parts.push(
      withoutUndefined({
        type: 'tool_call',
        id: s(tc.id) ?? s(tc.toolCallId),
        name: s(fn.name) ?? s(tc.toolName),
        arguments: normalizeArguments(fn.arguments ?? tc.input ?? tc.args),
      }),
    );
  }
  return parts;
}

/**
 * Any message object into the schema: OTel (`parts`), OpenAI chat (`content`, `tool_calls`,
 * `tool_call_id`), Vercel prompt (`content` array with tool-call/tool-result parts), the 1.36
 * event bodies (tool message `id`).
 */
export function toMessage(raw: unknown, fallbackRole: string): Message | null {
  if (typeof raw === 'string') return { role: fallbackRole, parts: [{ type: 'text', content: raw }] };
  if (!isRecord(raw)) return null;
  if (raw.role === undefined && typeof raw.type === 'string' && raw.type !== 'message') {
    const item = responsesItem(raw, raw.type);
    if (item !== null) return item;
  }
  const role = normalizeRole(raw.role, fallbackRole);
  const msg: Message = { role, parts: [] };
  if (typeof raw.name === 'string') msg.name = raw.name;
  const finish = s(raw.finish_reason) ?? s(raw.finishReason);
  if (finish !== undefined) msg.finishReason = finish;
  if (Array.isArray(raw.parts)) {
    msg.parts = raw.parts.map(normalizePart).filter((p): p is Part => p !== null);
  } else {
    const toolCallId = s(raw.tool_call_id) ?? (role === 'tool' ? s(raw.id) : undefined);
    if (role === 'tool' && toolCallId !== undefined && !Array.isArray(raw.content)) {
      msg.parts = [{ type: 'tool_call_response', id: toolCallId, response: raw.content ?? null }];
    } else {
      msg.parts = contentParts(raw.content);
    }
    msg.parts.push(...openAiToolCalls(raw.tool_calls));
    // OpenAI's function calling before tools: {function_call: {name, arguments}}
    if (isRecord(raw.function_call)) msg.parts.push(...openAiToolCalls([{ function: raw.function_call }]));
    if (toolCallId !== undefined) msg.toolCallId = toolCallId;
  }
  return msg;
}

/**
 * An OpenAI Responses item that is not a message (a list of them is the API's input and output):
 * a call is the model's, as an assistant message; its output answers it, as a tool message; a
 * reasoning item is the model's thinking; any other tool call item (web search, computer use, …)
 * is the model's, kept as sent. Null for anything else.
 */
export function responsesItem(raw: Record<string, unknown>, type: string): Message | null {
  const id = s(raw.call_id) ?? s(raw.id);
  if (type === 'function_call' || type === 'custom_tool_call')
    return {
      role: 'assistant',
      parts: [
        withoutUndefined({
          type: 'tool_call',
          id,
          name: s(raw.name),
          arguments: normalizeArguments(raw.arguments ?? raw.input),
        }),
      ],
    };
  if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    const msg: Message = {
      role: 'tool',
      parts: [withoutUndefined({ type: 'tool_call_response', id, response: raw.output ?? null })],
    };
    if (id !== undefined) msg.toolCallId = id;
    return msg;
  }
  if (type === 'reasoning') {
    const part = normalizePart(raw);
    return { role: 'assistant', parts: part === null ? [] : [part] };
  }
  if (type.endsWith('_call')) {
    const part = normalizePart(raw);
    return { role: 'assistant', parts: part === null ? [] : [part] };
  }
  return null;
}

/** An array of messages (or one message, or a bare string) into schema messages. */
export function toMessages(raw: unknown, fallbackRole: string): Message[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.map((m) => toMessage(m, fallbackRole)).filter((m): m is Message => m !== null);
}

/** `gen_ai.system_instructions`: an array of parts, a single part, or a bare string. */
export function systemInstructions(raw: unknown): Message | null {
  const parts = contentParts(raw);
  return parts.length === 0 ? null : { role: 'system', parts };
}
