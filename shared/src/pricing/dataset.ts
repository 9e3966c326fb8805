import {
  calcPrice,
  findProvider,
  type ModelInfo,
  type ModelPrice,
  type Provider,
  type TieredPrices,
} from '@pydantic/genai-prices';
import { ownValue } from '../normalizer/own-value.ts';

/** Token usage in OTel terms: `input` includes the cache reads and writes. */
export interface TokenUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

export interface Cost {
  input: number;
  output: number;
  /** Input + output, plus any per-request fee the dataset has. */
  total: number;
}

export type DatasetPricer = (
  provider: string | null,
  model: string,
  when: Date,
  usage: TokenUsage,
) => Cost | null;

/** OTel provider names genai-prices does not resolve itself. */
const DATASET_PROVIDER_IDS: Record<string, string> = {
  x_ai: 'x-ai',
  'gcp.gen_ai': 'google',
};

/** Model names are untrusted input: the memo is bounded instead of growing forever. */
const RESOLVED_CACHE_MAX = 10_000;
const PER_MILLION = 1_000_000;

/** Price keys the fast path prices; other per-token or per-thousand keys need usage we never send. */
const FAST_KEYS = new Set(['input_mtok', 'cache_read_mtok', 'cache_write_mtok', 'output_mtok']);
const UNUSED_KEYS = new Set([
  'cache_write_1h_mtok',
  'input_audio_mtok',
  'cache_audio_read_mtok',
  'output_audio_mtok',
]);

interface Resolved {
  /** The dataset provider narrowed to the one matching model, so calcPrice skips every scan. */
  provider: Provider;
  model: ModelInfo;
  /** Prices depend only on the date (no time-of-day windows): the fast path may be used. */
  dated: boolean;
}

/**
 * Prices from `@pydantic/genai-prices`. Its calcPrice resolves the provider and model by scanning
 * match rules, then decomposes usage generically, ~10k calls/s; the resolution is memoized per
 * (provider, model), and for plain per-token prices the arithmetic is done here (the same
 * rules: uncached input at the input rate, cache reads and writes at their own rates, one tier
 * chosen by the total input tokens). A test checks both paths agree over the whole dataset.
 */
export function createDatasetPricer(options: { fastPath?: boolean } = {}): DatasetPricer {
  const fastPath = options.fastPath ?? true;
  const knownProviders = new Map<string, boolean>();
  const resolved = new Map<string, Resolved | null>();

  function datasetProvider(provider: string | null): string | undefined {
    if (provider === null) return undefined;
    const id = ownValue(DATASET_PROVIDER_IDS, provider) ?? provider;
    let known = knownProviders.get(id);
    if (known === undefined) {
      known = findProvider({ providerId: id }) !== undefined;
      knownProviders.set(id, known);
    }
    // an unknown provider (a proxy, a custom name) must not hide the model: match by model alone
    return known ? id : undefined;
  }

  return (provider, model, when, usage) => {
    const providerId = datasetProvider(provider);
    const key = `${providerId ?? ''}\u0000${model}`;
    const hit = resolved.get(key);
    if (hit === null) return null;
    if (hit !== undefined && fastPath && hit.dated) {
      const prices = pricesAt(hit.model, when);
      if (isPlain(prices)) return plainCost(prices, usage);
    }
    const where =
      hit !== undefined ? { provider: hit.provider } : providerId === undefined ? {} : { providerId };
    let result;
    try {
      result = calcPrice(
        {
          input_tokens: usage.input,
          cache_read_tokens: usage.cacheRead,
          cache_write_tokens: usage.cacheWrite,
          output_tokens: usage.output,
        },
        model,
        { ...where, timestamp: when },
      );
    } catch {
      // the dataset rejects usage it cannot price (validated before, so only on dataset bugs)
      return null;
    }
    if (hit === undefined) {
      if (resolved.size >= RESOLVED_CACHE_MAX) resolved.clear();
      resolved.set(
        key,
        result === null
          ? null
          : {
              provider: { ...result.provider, models: [result.model] },
              model: result.model,
              dated:
                !Array.isArray(result.model.prices) ||
                result.model.prices.every((p) => p.constraint?.type !== 'time_of_date'),
            },
      );
    }
    return result === null
      ? null
      : { input: result.input_price, output: result.output_price, total: result.total_price };
  };
}

/** The model's prices in force at `when`: the last entry whose start date has passed (dataset rule). */
function pricesAt(model: ModelInfo, when: Date): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  for (let i = model.prices.length - 1; i >= 0; i--) {
    const entry = model.prices[i];
    if (entry === undefined) continue;
    const c = entry.constraint;
    if (c === undefined || (c.type === 'start_date' && when >= new Date(c.start_date))) return entry.prices;
  }
  return (model.prices[0] as { prices: ModelPrice }).prices;
}

function isPlain(prices: ModelPrice): boolean {
  for (const key of Object.keys(prices)) {
    if (FAST_KEYS.has(key) || UNUSED_KEYS.has(key)) continue;
    if (key.endsWith('_kcount') && key !== 'requests_kcount') continue;
    return false;
  }
  return true;
}

function plainCost(prices: ModelPrice, usage: TokenUsage): Cost {
  const tiered = Object.values(prices).some((p) => typeof p === 'object');
  const tierInput = tiered ? usage.input : 0;
  const rate = (p: number | TieredPrices | undefined): number => {
    if (p === undefined) return 0;
    if (typeof p === 'number') return p;
    let r = p.base;
    for (const t of p.tiers) if (tierInput > t.start) r = t.price;
    return r;
  };
  const read = prices.cache_read_mtok;
  const write = prices.cache_write_mtok;
  const uncached =
    usage.input - (read === undefined ? 0 : usage.cacheRead) - (write === undefined ? 0 : usage.cacheWrite);
  const input =
    (rate(prices.input_mtok) * uncached) / PER_MILLION +
    (rate(read) * usage.cacheRead) / PER_MILLION +
    (rate(write) * usage.cacheWrite) / PER_MILLION;
  const output = (rate(prices.output_mtok) * usage.output) / PER_MILLION;
  return { input, output, total: input + output };
}
