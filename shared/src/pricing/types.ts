export interface PriceCall {
  /** Normalized provider (OTel well-known value), or null. */
  provider: string | null;
  model: string;
  /** Call time (span start), microseconds since the epoch: prices are dated. */
  timeUs: number;
  /** All input tokens, cached ones included (OTel semantics). */
  inputTokens: number | null;
  /** Subset of inputTokens read from the provider cache. */
  cachedInputTokens: number | null;
  /** Subset of inputTokens written to the provider cache. */
  cacheCreationInputTokens: number | null;
  outputTokens: number | null;
}

export interface PriceResult {
  inputCostUsd: number;
  outputCostUsd: number;
  totalCostUsd: number;
  /** Price dataset version (and override file hash) that produced the numbers. */
  version: string;
}

export interface Pricer {
  /** Cost of one call, or null when no price is known (never a made-up 0). */
  price(call: PriceCall): PriceResult | null;
  readonly version: string;
}

/** One user price rule; prices in USD per million tokens. */
export interface PriceOverride {
  provider?: string;
  /** Exact model id, or a glob where `*` matches any run of characters (case-insensitive). */
  model: string;
  input: number;
  /** Cache-read input price; defaults to `input`. */
  cachedInput?: number;
  /** Cache-write input price; defaults to `input`. */
  cacheWrite?: number;
  output: number;
  /** ISO date (YYYY-MM-DD, UTC) from which the rule applies; absent = always. */
  validFrom?: string;
}

export interface PriceOverrides {
  prices: PriceOverride[];
}
