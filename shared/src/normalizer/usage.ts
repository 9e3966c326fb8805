import type { AnyValue, Attributes } from '../otlp.ts';
import type { ProblemSink } from './problems.ts';
import { isRecord, structured, tokenCount, usdAmount } from './values.ts';

export interface Usage {
  input: number | null;
  output: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
  reasoning: number | null;
}

/** Token attributes in priority order per quantity (docs/schema.md lists them from here). */
export const USAGE_KEYS: Record<keyof Usage, readonly string[]> = {
  input: [
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.prompt_tokens',
    'llm.token_count.prompt',
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
    'ai.usage.tokens',
  ],
  output: [
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
  ],
  cacheRead: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'llm.token_count.prompt_details.cache_read',
    'ai.usage.inputTokenDetails.cacheReadTokens',
    'ai.usage.cachedInputTokens',
  ],
  cacheWrite: [
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'llm.token_count.prompt_details.cache_write',
    'ai.usage.inputTokenDetails.cacheWriteTokens',
  ],
  reasoning: [
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.reasoning_tokens',
    'llm.usage.reasoning_tokens',
    'llm.token_count.completion_details.reasoning',
    'ai.usage.outputTokenDetails.reasoningTokens',
    'ai.usage.reasoningTokens',
  ],
};

/** The first present attribute of the chain decides; an invalid value is NULL, not a fallback. */
function fromChain(
  attrs: Attributes,
  keys: readonly string[],
  problems: ProblemSink,
): number | null | undefined {
  for (const key of keys) {
    const v = attrs[key];
    if (v !== undefined && v !== null) return tokenCount(v, key, problems);
  }
  return undefined;
}

function langfuseUsage(attrs: Attributes, problems: ProblemSink): Usage | null {
  const key = 'langfuse.observation.usage_details';
  const details = structured(attrs, key, problems);
  if (details === undefined) return null;
  if (!isRecord(details)) {
    problems.add('wrong_type', 'usage_details is not an object', key);
    return null;
  }
  const get = (...names: string[]): number | null => {
    for (const name of names) {
      const v = (details as Record<string, AnyValue>)[name];
      if (v !== undefined && v !== null) return tokenCount(v, `${key}.${name}`, problems);
    }
    return null;
  };
  const uncached = get('input', 'prompt_tokens', 'input_tokens');
  const cacheRead = get('input_cached_tokens', 'input_cache_read', 'cache_read_input_tokens');
  const cacheWrite = get('input_cache_creation', 'cache_creation_input_tokens');
  // Langfuse's `input` excludes cached tokens; the contract's input_tokens includes them
  const input = uncached === null ? null : uncached + (cacheRead ?? 0) + (cacheWrite ?? 0);
  return {
    input,
    output: get('output', 'completion_tokens', 'output_tokens'),
    cacheRead,
    cacheWrite,
    reasoning: get('output_reasoning', 'reasoning_tokens'),
  };
}

export function usage(attrs: Attributes, problems: ProblemSink): Usage {
  const read = (q: keyof Usage): number | null | undefined => fromChain(attrs, USAGE_KEYS[q], problems);
  const found = {
    input: read('input'),
    output: read('output'),
    cacheRead: read('cacheRead'),
    cacheWrite: read('cacheWrite'),
    reasoning: read('reasoning'),
  };
  const lf = found.input === undefined && found.output === undefined ? langfuseUsage(attrs, problems) : null;
  const pick = (q: keyof Usage): number | null => found[q] ?? lf?.[q] ?? null;
  const result: Usage = {
    input: pick('input'),
    output: pick('output'),
    cacheRead: pick('cacheRead'),
    cacheWrite: pick('cacheWrite'),
    reasoning: pick('reasoning'),
  };
  const cached = (result.cacheRead ?? 0) + (result.cacheWrite ?? 0);
  if (result.input !== null && cached > 0) {
    if (inputExcludesCache(attrs)) result.input += cached;
    else if (cached > result.input) {
      // Only a count that leaves the cache out can be smaller than it (Anthropic's raw usage).
      problems.add(
        'inconsistent_usage',
        `cached input tokens (${cached}) exceed input tokens (${result.input}): counted as ${result.input + cached}, input without the cache`,
        'input_tokens',
      );
      result.input += cached;
    }
  }
  return result;
}

/**
 * Whether the input count leaves cached tokens out although the contract's input_tokens includes
 * them: the Vercel AI SDK before v6 passes each provider's own count as `inputTokens`, and
 * Anthropic's excludes cache reads and writes (v6 reports a total, with `inputTokenDetails`).
 */
function inputExcludesCache(attrs: Attributes): boolean {
  const provider = attrs['ai.model.provider'];
  return (
    typeof provider === 'string' &&
    provider.includes('anthropic') &&
    attrs['ai.usage.cachedInputTokens'] !== undefined &&
    attrs['ai.usage.inputTokenDetails.cacheReadTokens'] === undefined
  );
}

export interface ReportedCost {
  total: number;
  input: number | null;
  output: number | null;
}

/** A cost reported by the instrumentation, in USD: Langfuse cost_details, gen_ai.usage.cost, OpenInference llm.cost.*, Pydantic AI operation.cost. */
export function reportedCost(attrs: Attributes, problems: ProblemSink): ReportedCost | null {
  const lfKey = 'langfuse.observation.cost_details';
  const lf = structured(attrs, lfKey, problems);
  if (isRecord(lf)) {
    const part = (name: string): number | null =>
      lf[name] === undefined || lf[name] === null ? null : usdAmount(lf[name], `${lfKey}.${name}`, problems);
    const input = part('input');
    const output = part('output');
    const total = part('total') ?? (input !== null || output !== null ? (input ?? 0) + (output ?? 0) : null);
    if (total !== null) return { total, input, output };
  }
  const single = (key: string): number | null =>
    attrs[key] === undefined || attrs[key] === null ? null : usdAmount(attrs[key], key, problems);
  const generic = single('gen_ai.usage.cost');
  if (generic !== null) return { total: generic, input: null, output: null };
  const oiTotal = single('llm.cost.total');
  const oiIn = single('llm.cost.prompt');
  const oiOut = single('llm.cost.completion');
  if (oiTotal !== null || oiIn !== null || oiOut !== null) {
    return { total: oiTotal ?? (oiIn ?? 0) + (oiOut ?? 0), input: oiIn, output: oiOut };
  }
  const pydantic = single('operation.cost');
  if (pydantic !== null) return { total: pydantic, input: null, output: null };
  return null;
}
