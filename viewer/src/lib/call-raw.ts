/**
 * What a call's raw attributes say about the request, for its details: the parameters it was
 * sent with and the tools offered to the model, in each convention the collector reads
 * (docs/schema.md), read out of the attributes JSON before it is shown whole.
 */

export type Attributes = Readonly<Record<string, unknown>>;

/** The attributes object of the `attributes` column; empty when it is not a JSON object. */
export function parseAttributes(json: string): Attributes {
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Attributes) : {};
  } catch {
    return {};
  }
}

/** JSON text indented for reading; text that is not JSON as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A string that is, whole, a JSON object or array, decoded; anything else (numbers and booleans written as strings among it) as it is. */
function decodedStructure(v: unknown): unknown {
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return v;
  try {
    const d: unknown = JSON.parse(v);
    return d !== null && typeof d === 'object' ? d : v;
  } catch {
    return v;
  }
}

/**
 * The attributes JSON indented, with each value that instrumentation sent as JSON text (messages,
 * invocation parameters, tool definitions; also as an array's items) decoded into the tree, so it
 * reads as JSON instead of one escaped line. Null when no value is JSON text: the stored JSON,
 * indented, already reads as well.
 */
export function readableAttributes(json: string): string | null {
  const attrs = parseAttributes(json);
  let changed = false;
  const decode = (v: unknown): unknown => {
    const d = decodedStructure(v);
    if (d !== v) changed = true;
    return d;
  };
  const out = Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k, Array.isArray(v) ? v.map(decode) : decode(v)]),
  );
  return changed ? JSON.stringify(out, null, 2) : null;
}

/** A value as one line of text: strings as they are, anything else as JSON. */
function shown(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A JSON-encoded attribute value decoded, or the value itself. */
function decoded(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/**
 * Prefixes of request parameters (OTel GenAI and OpenLLMetry, Vercel AI SDK, older OpenLLMetry),
 * and the keys under them that are not parameters: the model has its own field, and functions
 * are tools.
 */
const PARAMETER_PREFIXES = ['gen_ai.request.', 'ai.settings.', 'llm.request.'];
const NOT_PARAMETERS = /^(?:gen_ai\.request\.model|llm\.request\.(?:model|model_name|type|functions\..*))$/;

/** The request's parameters (temperature, max tokens, …) as [name, value] pairs, by name. */
export function requestParameters(attrs: Attributes): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(attrs)) {
    if (NOT_PARAMETERS.test(key)) continue;
    const prefix = PARAMETER_PREFIXES.find((p) => key.startsWith(p));
    if (prefix) out.push([key.slice(prefix.length), shown(value)]);
  }
  // OpenInference sends them all as one JSON object.
  const invocation = decoded(attrs['llm.invocation_parameters']);
  if (invocation !== null && typeof invocation === 'object' && !Array.isArray(invocation))
    for (const [key, value] of Object.entries(invocation)) out.push([key, shown(value)]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface ToolDefinition {
  name: string;
  description: string | null;
  /** The whole definition, indented JSON. */
  json: string;
}

function toolOf(v: unknown): ToolDefinition | null {
  const def = decoded(v);
  if (def === null || typeof def !== 'object' || Array.isArray(def)) return null;
  const d = def as Record<string, unknown>;
  // Chat Completions nests the function; Responses, Anthropic and Vercel do not.
  const fn =
    d.function !== null && typeof d.function === 'object' ? (d.function as Record<string, unknown>) : d;
  const name = typeof fn.name === 'string' ? fn.name : typeof d.name === 'string' ? d.name : '(unnamed)';
  const description = typeof fn.description === 'string' ? fn.description : null;
  return { name, description, json: JSON.stringify(def, null, 2) };
}

/** Indexed attributes (`<prefix>0<suffix>`, `<prefix>1<suffix>`, …) as [index, value], in order. */
function indexed(attrs: Attributes, prefix: string, suffix: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(attrs)) {
    if (!key.startsWith(prefix) || !key.endsWith(suffix)) continue;
    const index = key.slice(prefix.length, key.length - suffix.length);
    if (/^\d+$/.test(index)) out.push([index, value]);
  }
  return out.sort(([a], [b]) => Number(a) - Number(b));
}

/**
 * The tools the request offered the model: OTel GenAI's gen_ai.tool.definitions, the Vercel AI
 * SDK's ai.prompt.tools, OpenInference's llm.tools.N.tool.json_schema, OpenLLMetry's
 * llm.request.functions.N.*.
 */
export function toolDefinitions(attrs: Attributes): ToolDefinition[] {
  const list = (v: unknown): unknown[] => {
    const d = decoded(v);
    return Array.isArray(d) ? d : [];
  };
  const functions = indexed(attrs, 'llm.request.functions.', '.name').map(([i, name]) => ({
    name,
    description: attrs[`llm.request.functions.${i}.description`],
    parameters: decoded(attrs[`llm.request.functions.${i}.parameters`]),
  }));
  return [
    ...list(attrs['gen_ai.tool.definitions']),
    ...list(attrs['ai.prompt.tools']),
    ...indexed(attrs, 'llm.tools.', '.tool.json_schema').map(([, v]) => v),
    ...functions,
  ].flatMap((t) => toolOf(t) ?? []);
}
