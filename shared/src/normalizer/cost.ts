import type { Attributes } from '../otlp.ts';
import type { Pricer } from '../pricing/types.ts';
import type { SpanRow } from '../rows.ts';
import type { ProblemSink } from './problems.ts';
import { reportedCost, type Usage } from './usage.ts';

export type SpanCost = Pick<
  SpanRow,
  'input_cost_usd' | 'output_cost_usd' | 'total_cost_usd' | 'cost_source' | 'price_version'
>;

export const NO_COST: SpanCost = {
  input_cost_usd: null,
  output_cost_usd: null,
  total_cost_usd: null,
  cost_source: null,
  price_version: null,
};

/**
 * A reported cost wins; otherwise model calls and embeddings are priced from the table by the
 * response model, else the request model (a deployment name may hide the answering model).
 */
export function spanCost(
  attrs: Attributes,
  problems: ProblemSink,
  pricer: Pricer | null,
  span: {
    priced: boolean;
    provider: string | null;
    model: string | null;
    request: string | null;
    startTime: number;
    tokens: Usage | null;
  },
): SpanCost {
  const reported = reportedCost(attrs, problems);
  if (reported !== null) {
    return {
      input_cost_usd: reported.input,
      output_cost_usd: reported.output,
      total_cost_usd: reported.total,
      cost_source: 'reported',
      price_version: null,
    };
  }
  const { tokens, model, request } = span;
  if (pricer === null || tokens === null || model === null || !span.priced) return NO_COST;
  const call = {
    provider: span.provider,
    timeUs: span.startTime,
    inputTokens: tokens.input,
    cachedInputTokens: tokens.cacheRead,
    cacheCreationInputTokens: tokens.cacheWrite,
    outputTokens: tokens.output,
  };
  const priced =
    pricer.price({ ...call, model }) ??
    (request !== null && request !== model ? pricer.price({ ...call, model: request }) : null);
  if (priced === null) return NO_COST;
  return {
    input_cost_usd: priced.inputCostUsd,
    output_cost_usd: priced.outputCostUsd,
    total_cost_usd: priced.totalCostUsd,
    cost_source: 'price-table',
    price_version: priced.version,
  };
}
