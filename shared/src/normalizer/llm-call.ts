import type { Attributes } from '../otlp.ts';
import type { Convention } from './convention.ts';
import { str } from './values.ts';

const MODEL_CALL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion']);

/**
 * Whether a span, on its own, looks like exactly one model call. Spans that only aggregate calls
 * (invoke_agent, agent steps, Vercel outer spans, workflow/task decorators) never are. When two
 * nested spans both qualify (a framework span around a client-library span for one request),
 * `completeAcrossBatches` keeps only the innermost.
 */
export function isModelCallCandidate(
  attrs: Attributes,
  convention: Convention | null,
  operation: string | null,
  hasModel: boolean,
): boolean {
  switch (convention) {
    case 'vercel-ai': {
      const id = str(attrs, 'ai.operationId');
      return id !== null && /\.do(Generate|Stream)$/.test(id);
    }
    case 'openinference':
      return str(attrs, 'openinference.span.kind')?.toUpperCase() === 'LLM';
    case 'langfuse':
      return str(attrs, 'langfuse.observation.type') === 'generation';
    case 'openllmetry':
      if (attrs['traceloop.span.kind'] !== undefined) return false;
      return operation === null ? hasModel : MODEL_CALL_OPERATIONS.has(operation);
    case 'otel-genai':
    case 'otel-genai-legacy':
      return operation !== null && MODEL_CALL_OPERATIONS.has(operation);
    case null:
      return false;
  }
}
