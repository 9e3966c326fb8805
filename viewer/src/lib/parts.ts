/**
 * Structured message parts (tool calls, tool results, …) as stored in the `parts` JSON column.
 * Instrumentations disagree on shapes; this reduces them to what the viewer shows. Pure.
 */
export type PartView =
  | { kind: 'tool-call'; name: string; id: string | null; args: string }
  | { kind: 'tool-result'; id: string | null; result: string }
  | { kind: 'text'; text: string }
  | { kind: 'other'; type: string; json: string };

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
      result: pretty(o.response ?? o.result ?? o.output ?? o.content ?? null),
    };
  }
  if (type === 'text' && typeof o.content === 'string') return { kind: 'text', text: o.content };
  if (type === 'text' && typeof o.text === 'string') return { kind: 'text', text: o.text };
  return { kind: 'other', type: type || 'part', json: pretty(p) };
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

/** Whether a tool-result part already shows the content (tool messages often store it twice). */
export function partsRepeatContent(views: readonly PartView[], content: string | null): boolean {
  if (content == null || content === '') return false;
  const shown = pretty(content);
  return views.some((v) => v.kind === 'tool-result' && v.result === shown);
}
