/**
 * Structured message parts (tool calls, tool results, …) as stored in the `parts` JSON column.
 * Instrumentations disagree on shapes; this reduces them to what the viewer shows. Pure.
 */
export type PartView =
  | { kind: 'tool-call'; name: string; id: string | null; args: string }
  /** `name`: the tool that answered, as the result says or as its call named it (withCallNames). */
  | { kind: 'tool-result'; id: string | null; name: string | null; result: string }
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string | null }
  | { kind: 'refusal'; text: string | null }
  | MediaView
  | { kind: 'other'; type: string; json: string };

/**
 * An image, audio or file part, by reference: what it is and where it lives. Its inline data is
 * never kept here, only its length, and its URI is text to read or copy, never a source to load.
 */
export interface MediaView {
  kind: 'media';
  /** image, audio, video, document, or file when nothing says. */
  modality: string;
  mimeType: string | null;
  uri: string | null;
  fileId: string | null;
  filename: string | null;
  /** Characters of inline data (base64 or a data: URL), as sent or as the normalizer counted them. */
  inlineChars: number | null;
}

function pretty(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * The first of `keys` the part carries, null included: a call sent with `arguments: null` shows
 * null, not the `{}` shown for a call with no arguments field at all.
 */
function firstField(o: Record<string, unknown> | null, keys: readonly string[]): unknown {
  if (o === null) return undefined;
  for (const key of keys) if (Object.hasOwn(o, key) && o[key] !== undefined) return o[key];
  return undefined;
}

function toolArguments(o: Record<string, unknown>, fn: Record<string, unknown> | null): unknown {
  const own = firstField(o, ['arguments', 'args', 'input']);
  if (own !== undefined) return own;
  const nested = firstField(fn, ['arguments']);
  return nested === undefined ? {} : nested;
}

function one(p: unknown): PartView {
  if (p == null || typeof p !== 'object') return { kind: 'text', text: String(p) };
  const o = p as Record<string, unknown>;
  const type = String(o.type ?? '')
    .toLowerCase()
    .replace(/[-\s]/g, '_');
  const fn = (o.function ?? null) as Record<string, unknown> | null;
  if (type === 'tool_call' || type === 'function_call' || type === 'function' || type === 'tool_use' || fn) {
    return {
      kind: 'tool-call',
      name: str(o.name) ?? str(o.toolName) ?? str(fn?.name) ?? 'tool',
      id: str(o.id) ?? str(o.toolCallId) ?? str(o.call_id),
      args: pretty(toolArguments(o, fn)),
    };
  }
  if (type === 'tool_call_response' || type === 'tool_result' || type === 'function_call_output') {
    return {
      kind: 'tool-result',
      id: str(o.id) ?? str(o.toolCallId) ?? str(o.tool_call_id) ?? str(o.call_id),
      name: str(o.name) ?? str(o.toolName),
      result: pretty(o.response ?? o.result ?? o.output ?? o.content ?? null),
    };
  }
  if (type === 'text' && typeof o.content === 'string') return { kind: 'text', text: o.content };
  if (type === 'text' && typeof o.text === 'string') return { kind: 'text', text: o.text };
  if (type === 'reasoning' || type === 'thinking')
    return { kind: 'reasoning', text: str(o.content) ?? str(o.text) ?? str(o.thinking) };
  if (type === 'refusal') return { kind: 'refusal', text: str(o.content) ?? str(o.refusal) };
  if (MEDIA_TYPES.has(type)) return media(type, o);
  return { kind: 'other', type: type || 'part', json: pretty(p) };
}

/**
 * Part types that carry binary content: the normalizer's `uri` and `blob` (docs/schema.md), an
 * OpenAI `file` by id, and shapes it keeps as sent (OpenAI Responses `input_*`), whose inline
 * base64 would otherwise be shown whole.
 */
const MEDIA_TYPES = new Set([
  'uri',
  'blob',
  'file',
  'image',
  'image_url',
  'input_image',
  'audio',
  'input_audio',
  'input_file',
]);

const DATA_URL = /^data:([^;,]*)/i;

function media(type: string, o: Record<string, unknown>): MediaView {
  const nested = (v: unknown): Record<string, unknown> | null =>
    v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  const imageUrl = o.image_url;
  const audio = nested(o.input_audio);
  const file = nested(o.file);
  const location = str(o.uri) ?? str(o.url) ?? str(imageUrl) ?? str(nested(imageUrl)?.url) ?? str(o.file_url);
  const data = str(o.content) ?? str(o.data) ?? str(o.file_data) ?? str(file?.file_data) ?? str(audio?.data);
  // A data: URL is the content itself, not a place: it is counted, not shown.
  const dataUrl = location !== null && DATA_URL.test(location);
  const inline = dataUrl ? location : data;
  const declared = typeof o.content_length === 'number' ? o.content_length : null;
  const audioFormat = str(audio?.format);
  const mimeType =
    str(o.mime_type) ??
    str(o.mimeType) ??
    str(o.mediaType) ??
    str(DATA_URL.exec(inline ?? '')?.[1]) ??
    (audioFormat === null ? null : `audio/${audioFormat}`);
  return {
    kind: 'media',
    modality: str(o.modality) ?? modalityOf(mimeType, type),
    mimeType,
    uri: dataUrl ? null : location,
    fileId: str(o.file_id) ?? str(file?.file_id),
    filename: str(o.filename) ?? str(file?.filename),
    inlineChars: declared ?? (inline === null ? null : inline.length),
  };
}

/** As the normalizer names it from the MIME type; else from the part type; else a plain file. */
function modalityOf(mimeType: string | null, type: string): string {
  const top = mimeType?.split('/')[0];
  if (top === 'image' || top === 'audio' || top === 'video') return top;
  if (mimeType !== null) return 'document';
  if (type.includes('image')) return 'image';
  if (type.includes('audio')) return 'audio';
  return 'file';
}

/**
 * About how many bytes inline data of `chars` characters holds: base64 carries 3 bytes in 4
 * characters (a data: URL's short header is counted with it, hence "about").
 */
export function inlineBytes(chars: number): number {
  return Math.floor((chars * 3) / 4);
}

/**
 * Parts to show beside the content. The content is the message's text parts joined by newlines
 * (docs/schema.md), so text parts that make it up, together or alone, are already on screen.
 */
export function partViews(parts: string | null, content: string | null): PartView[] {
  if (parts == null || parts === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(parts);
  } catch {
    return [{ kind: 'other', type: 'raw', json: parts }];
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const views = list.map(one);
  const texts = views.flatMap((v) => (v.kind === 'text' ? [v.text] : []));
  const joined = content !== null && texts.join('\n') === content;
  return views.filter((v) => !(v.kind === 'text' && (joined || v.text === content || v.text === '')));
}

/**
 * The tool each call id names, over the messages of a conversation. Most results name only the
 * call they answer (OpenAI, OTel, Anthropic), several of them in one message for parallel calls.
 * Only messages the normalizer named by a tool are read: those that make calls, or answer them.
 */
export function callNames(
  messages: readonly { parts: string | null; content: string | null; toolName: string | null }[],
): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.toolName === null) continue;
    for (const v of partViews(m.parts, m.content))
      if (v.kind === 'tool-call' && v.id !== null && !names.has(v.id)) names.set(v.id, v.name);
  }
  return names;
}

/** Tool results named by the call they answer, where they do not name their tool themselves. */
export function withCallNames(views: PartView[], names: ReadonlyMap<string, string>): PartView[] {
  if (names.size === 0) return views;
  return views.map((v) =>
    v.kind === 'tool-result' && v.name === null && v.id !== null && names.has(v.id)
      ? { ...v, name: names.get(v.id) ?? null }
      : v,
  );
}

/**
 * The tool a message's header names: its stored tool name (the tool it calls, or the tool a result
 * came from); a message making several calls, or answering several, names the first with "+N",
 * the title lists them all.
 */
export function toolLabel(
  toolName: string | null,
  views: readonly PartView[],
): { text: string; title: string } | null {
  const calls = views.flatMap((v) => (v.kind === 'tool-call' ? [v.name] : []));
  const results = views.flatMap((v) => (v.kind === 'tool-result' ? [v.name ?? 'tool'] : []));
  const [names, what] = calls.length > 0 ? [calls, 'tool calls'] : [results, 'tool results'];
  if (names.length > 1)
    return {
      text: `${names[0]} +${names.length - 1}`,
      title: `${names.length} ${what}: ${names.join(', ')}`,
    };
  const name =
    toolName ?? calls[0] ?? views.flatMap((v) => (v.kind === 'tool-result' && v.name ? [v.name] : []))[0];
  return name === undefined ? null : { text: name, title: name };
}

/** Whether a tool-result part already shows the content (tool messages often store it twice). */
export function partsRepeatContent(views: readonly PartView[], content: string | null): boolean {
  if (content == null || content === '') return false;
  const shown = pretty(content);
  return views.some((v) => v.kind === 'tool-result' && v.result === shown);
}
