import type { Attributes, OtlpEvent } from '../otlp.ts';

/** Values of the `convention` column, with what each one means (docs/schema.md lists them from here). */
export const CONVENTIONS = {
  'otel-genai':
    'OpenTelemetry GenAI semantic conventions >= 1.37 (gen_ai.provider.name, gen_ai.input/output.messages); also Vercel AI SDK v7, Pydantic AI, Logfire',
  'otel-genai-legacy':
    'OpenTelemetry GenAI <= 1.36 (gen_ai.system, span events gen_ai.content.*, or per-message log events); e.g. @opentelemetry/instrumentation-openai chat completions',
  openllmetry:
    'OpenLLMetry / Traceloop (traceloop.*, gen_ai.prompt.N.*, gen_ai.completion.N.*, llm.usage.*, llm.request.type)',
  openinference:
    'OpenInference / Arize Phoenix (openinference.span.kind, llm.input_messages.N.*, llm.token_count.*)',
  'vercel-ai':
    'Vercel AI SDK v3–v6 telemetry (ai.operationId, ai.prompt.messages, ai.response.*, ai.usage.*)',
  langfuse: 'Langfuse SDK attributes only (langfuse.observation.*)',
} as const;

export type Convention = keyof typeof CONVENTIONS;

const LEGACY_CONTENT_EVENTS = new Set([
  'gen_ai.content.prompt',
  'gen_ai.content.completion',
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
]);

/** Key-prefix markers of the conventions, gathered in one pass over the keys (spans carry many). */
interface KeyMarkers {
  ai: boolean;
  openinference: boolean;
  openllmetry: boolean;
  genAi: boolean;
  langfuse: boolean;
}

function isDigitAt(key: string, at: number): boolean {
  const c = key.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
}

function keyMarkers(attrs: Attributes): KeyMarkers {
  const m: KeyMarkers = {
    ai: false,
    openinference: false,
    openllmetry: false,
    genAi: false,
    langfuse: false,
  };
  for (const key in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    if (key.startsWith('ai.')) m.ai = true;
    else if (key.startsWith('llm.')) {
      if (key.startsWith('llm.input_messages.') || key.startsWith('llm.token_count.')) m.openinference = true;
      else if (key.startsWith('llm.usage.')) m.openllmetry = true;
    } else if (key.startsWith('gen_ai.')) {
      m.genAi = true;
      // indexed flattening: gen_ai.prompt.<digit>… / gen_ai.completion.<digit>…
      if (
        (key.startsWith('gen_ai.prompt.') && isDigitAt(key, 14)) ||
        (key.startsWith('gen_ai.completion.') && isDigitAt(key, 18))
      )
        m.openllmetry = true;
    } else if (key.startsWith('traceloop.')) m.openllmetry = true;
    else if (key.startsWith('langfuse.')) m.langfuse = true;
  }
  return m;
}

/**
 * Which instrumentation convention a span follows. Checked from the most specific marker to the
 * most generic, because frameworks also write a subset of `gen_ai.*` (Vercel legacy inner spans,
 * OpenLLMetry) and Langfuse attributes can ride along on anything.
 */
export function detectConvention(
  attrs: Attributes,
  events: readonly OtlpEvent[],
  scopeName: string,
): Convention | null {
  const markers = keyMarkers(attrs);
  if (typeof attrs['ai.operationId'] === 'string' || (scopeName === 'ai' && markers.ai)) return 'vercel-ai';
  if (attrs['openinference.span.kind'] !== undefined || markers.openinference) {
    return 'openinference';
  }
  if (
    // OpenLLMetry JS scopes are `@traceloop/instrumentation-*`; spans outside an association
    // context carry no traceloop.* attribute at all
    scopeName.startsWith('@traceloop/') ||
    markers.openllmetry ||
    attrs['llm.request.type'] !== undefined
  ) {
    return 'openllmetry';
  }
  if (markers.genAi) {
    const legacy =
      events.some((e) => LEGACY_CONTENT_EVENTS.has(e.name)) ||
      (attrs['gen_ai.provider.name'] === undefined &&
        attrs['gen_ai.input.messages'] === undefined &&
        attrs['gen_ai.output.messages'] === undefined &&
        (attrs['gen_ai.system'] !== undefined || attrs['gen_ai.usage.prompt_tokens'] !== undefined));
    return legacy ? 'otel-genai-legacy' : 'otel-genai';
  }
  if (markers.langfuse) return 'langfuse';
  return null;
}
