import { normalizeProvider } from '../normalizer/identity.ts';
import { createDatasetPricer } from './dataset.ts';
import { findOverride, overridesHash } from './overrides.ts';
import type { PriceCall, Pricer, PriceResult, PriceOverrides } from './types.ts';

export { parsePriceOverrides } from './overrides.ts';
export type { PriceCall, PriceOverride, PriceOverrides, Pricer, PriceResult } from './types.ts';

/** Version of the bundled price dataset; a test checks it against the installed package. */
export const PRICE_DATASET_VERSION = 'genai-prices@0.1.8';

const PER_MILLION = 1_000_000;

/**
 * Prices calls from the `@pydantic/genai-prices` dataset (bundled, offline), with optional user
 * overrides that win over it. OTel input counts include cached tokens: the uncached remainder is
 * priced at the input rate and cache reads/writes at their own rates, so nothing is counted twice.
 */
export function createPricer(options: { overrides?: PriceOverrides } = {}): Pricer {
  const overrides =
    options.overrides !== undefined && options.overrides.prices.length > 0 ? options.overrides : null;
  const version =
    overrides === null
      ? PRICE_DATASET_VERSION
      : `${PRICE_DATASET_VERSION}+overrides.${overridesHash(overrides)}`;

  const dataset = createDatasetPricer();

  function price(call: PriceCall): PriceResult | null {
    if (call.inputTokens === null && call.outputTokens === null) return null;
    const input = call.inputTokens ?? 0;
    const cacheRead = Math.min(call.cachedInputTokens ?? 0, input);
    const cacheWrite = Math.min(call.cacheCreationInputTokens ?? 0, input - cacheRead);
    const output = call.outputTokens ?? 0;
    const when = Number.isFinite(call.timeUs) ? call.timeUs : Date.now() * 1000;

    if (overrides !== null) {
      const rule = findOverride(overrides, call.provider, [call.model], when, normalizeProvider);
      if (rule !== null) {
        const inputCost =
          ((input - cacheRead - cacheWrite) * rule.input +
            cacheRead * (rule.cachedInput ?? rule.input) +
            cacheWrite * (rule.cacheWrite ?? rule.input)) /
          PER_MILLION;
        const outputCost = (output * rule.output) / PER_MILLION;
        return {
          inputCostUsd: inputCost,
          outputCostUsd: outputCost,
          totalCostUsd: inputCost + outputCost,
          version,
        };
      }
    }

    const cost = dataset(call.provider, call.model, new Date(when / 1000), {
      input,
      cacheRead,
      cacheWrite,
      output,
    });
    if (cost === null) return null;
    return {
      inputCostUsd: cost.input,
      outputCostUsd: cost.output,
      totalCostUsd: cost.total,
      version,
    };
  }

  return { price, version };
}
