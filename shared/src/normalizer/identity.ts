import type { Attributes, OtlpEvent } from '../otlp.ts';
import type { Convention } from './convention.ts';
import { firstStr, str, tryJson } from './values.ts';
import { ownValue } from './own-value.ts';

export const REQUEST_MODEL_KEYS = [
  'gen_ai.request.model',
  'llm.request.model_name',
  'llm.model_name',
  'ai.model.id',
  'langfuse.observation.model.name',
] as const;

export const RESPONSE_MODEL_KEYS = [
  'gen_ai.response.model',
  'llm.response.model_name',
  'llm.model_name',
  'ai.response.model',
] as const;

/**
 * Langfuse SDKs overwrite `model.name` with the response model once they have a response; a
 * generation without output or usage (a failed call) only names the model asked for.
 */
const LANGFUSE_MODEL = 'langfuse.observation.model.name';

export const PROVIDER_KEYS = [
  'gen_ai.provider.name',
  'gen_ai.system',
  'llm.provider',
  'llm.system',
  'ai.model.provider',
] as const;

/** Provider spellings of the various conventions -> OTel well-known values. */
const PROVIDER_ALIASES: Record<string, string> = {
  azure: 'azure.ai.openai',
  'az.ai.openai': 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  'azure.openai': 'azure.ai.openai',
  aws: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  'amazon-bedrock': 'aws.bedrock',
  vertexai: 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  'google.vertex': 'gcp.vertex_ai',
  'google-vertex': 'gcp.vertex_ai',
  google: 'gcp.gemini',
  gemini: 'gcp.gemini',
  'google.generative-ai': 'gcp.gemini',
  'google-generative-ai': 'gcp.gemini',
  mistralai: 'mistral_ai',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  'x-ai': 'x_ai',
  'ibm.watsonx': 'ibm.watsonx.ai',
  watsonx: 'ibm.watsonx.ai',
};

/** Vercel `ai.model.provider` values carry the API flavor: `openai.chat`, `anthropic.messages`, … */
const VERCEL_FLAVOR =
  /\.(chat|messages|responses|completion|completions|embedding|embeddings|image|transcription|speech)$/;

export function normalizeProvider(raw: string): string {
  let p = raw.trim().toLowerCase();
  p = p.replace(VERCEL_FLAVOR, '');
  return ownValue(PROVIDER_ALIASES, p) ?? p;
}

export function provider(attrs: Attributes): string | null {
  const hit = firstStr(attrs, PROVIDER_KEYS);
  return hit === null ? null : normalizeProvider(hit.value);
}

export function models(attrs: Attributes): { request: string | null; response: string | null } {
  return {
    request: firstStr(attrs, REQUEST_MODEL_KEYS)?.value ?? null,
    response:
      firstStr(attrs, RESPONSE_MODEL_KEYS)?.value ??
      (attrs['langfuse.observation.output'] !== undefined ||
      attrs['langfuse.observation.usage_details'] !== undefined
        ? str(attrs, LANGFUSE_MODEL)
        : null),
  };
}

const OPENINFERENCE_KINDS: Record<string, string> = {
  LLM: 'chat',
  EMBEDDING: 'embeddings',
  TOOL: 'execute_tool',
  AGENT: 'invoke_agent',
  CHAIN: 'chain',
  RETRIEVER: 'retrieval',
  RERANKER: 'rerank',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
  PROMPT: 'prompt',
};

const TRACELOOP_REQUEST_TYPES: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

const TRACELOOP_SPAN_KINDS: Record<string, string> = {
  workflow: 'invoke_workflow',
  task: 'task',
  agent: 'invoke_agent',
  tool: 'execute_tool',
};

const LANGFUSE_TYPES: Record<string, string> = {
  generation: 'chat',
  embedding: 'embeddings',
  tool: 'execute_tool',
  agent: 'invoke_agent',
  retriever: 'retrieval',
};

/** Vercel legacy operation ids: the inner `do*` spans are the provider calls. */
function vercelOperation(operationId: string): string {
  if (/\.do(Generate|Stream)$/.test(operationId)) return 'chat';
  if (/\.doEmbed$/.test(operationId)) return 'embeddings';
  if (operationId === 'ai.toolCall') return 'execute_tool';
  return operationId;
}

export function operation(attrs: Attributes, convention: Convention | null): string | null {
  const otel = str(attrs, 'gen_ai.operation.name');
  if (otel !== null) return otel;
  const tlKind = str(attrs, 'traceloop.span.kind');
  if (tlKind !== null) return ownValue(TRACELOOP_SPAN_KINDS, tlKind) ?? tlKind;
  const tlType = str(attrs, 'llm.request.type');
  if (tlType !== null) return ownValue(TRACELOOP_REQUEST_TYPES, tlType) ?? tlType;
  const oiKind = str(attrs, 'openinference.span.kind');
  if (oiKind !== null) return ownValue(OPENINFERENCE_KINDS, oiKind.toUpperCase()) ?? oiKind.toLowerCase();
  const vercel = str(attrs, 'ai.operationId');
  if (vercel !== null) return vercelOperation(vercel);
  const lf = str(attrs, 'langfuse.observation.type');
  if (lf !== null) return ownValue(LANGFUSE_TYPES, lf) ?? lf;
  // OTel <= 1.26 had no operation name: a span with a model and usage is a chat call
  if (convention === 'otel-genai-legacy' && str(attrs, 'gen_ai.request.model') !== null) return 'chat';
  return null;
}

export function finishReasons(attrs: Attributes): string[] | null {
  const v = attrs['gen_ai.response.finish_reasons'];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? (tryJson(v) ?? (v === '' ? [] : [v])) : [];
  const reasons = Array.isArray(list) ? list.filter((r): r is string => typeof r === 'string') : [];
  if (reasons.length > 0) return reasons;
  const single = firstStr(attrs, ['llm.finish_reason', 'ai.response.finishReason']);
  return single === null ? null : [single.value];
}

export function status(
  code: unknown,
  message: unknown,
  attrs: Attributes,
  events: readonly OtlpEvent[],
): { code: 'UNSET' | 'OK' | 'ERROR'; message: string | null; errorType: string | null } {
  let c: 'UNSET' | 'OK' | 'ERROR' = code === 2 ? 'ERROR' : code === 1 ? 'OK' : 'UNSET';
  let msg = typeof message === 'string' && message !== '' ? message : null;
  if (str(attrs, 'langfuse.observation.level') === 'ERROR') {
    c = 'ERROR';
    msg ??= str(attrs, 'langfuse.observation.status_message');
  }
  const exception = events.find((e) => e.name === 'exception');
  const errorType =
    str(attrs, 'error.type') ??
    (exception === undefined ? null : str(exception.attributes, 'exception.type'));
  if (c === 'ERROR' && msg === null && exception !== undefined)
    msg = str(exception.attributes, 'exception.message');
  return { code: c, message: msg, errorType };
}
