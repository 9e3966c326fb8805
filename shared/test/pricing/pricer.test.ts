import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  createPricer,
  parsePriceOverrides,
  PRICE_DATASET_VERSION,
  type PriceCall,
  type PriceOverrides,
} from '../../src/pricing/index.ts';
import { normalizeBatch } from '../../src/normalizer/index.ts';
import { span } from '../normalizer/helpers.ts';

const at = (iso: string) => Date.parse(iso) * 1000;
const call = (over: Partial<PriceCall>): PriceCall => ({
  provider: 'openai',
  model: 'gpt-4o',
  timeUs: at('2025-06-01T00:00:00Z'),
  inputTokens: 1_000_000,
  cachedInputTokens: 0,
  cacheCreationInputTokens: 0,
  outputTokens: 1_000_000,
  ...over,
});

function overrides(json: unknown): PriceOverrides {
  const r = parsePriceOverrides(json);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('createPricer (genai-prices dataset)', () => {
  const pricer = createPricer();

  it('records the installed dataset version', () => {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('@pydantic/genai-prices').replace(/dist\/index\.c?js$/, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
    expect(PRICE_DATASET_VERSION).toBe(`genai-prices@${pkg.version}`);
    expect(pricer.price(call({}))?.version).toBe(PRICE_DATASET_VERSION);
  });

  it('prices cached input at its own rate without counting it twice', () => {
    const plain = pricer.price(call({}));
    const cached = pricer.price(call({ cachedInputTokens: 400_000 }));
    // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million
    expect(plain?.inputCostUsd).toBeCloseTo(2.5, 10);
    expect(cached?.inputCostUsd).toBeCloseTo(0.6 * 2.5 + 0.4 * 1.25, 10);
    expect(cached?.outputCostUsd).toBeCloseTo(10, 10);
    expect(cached?.totalCostUsd).toBeCloseTo((cached?.inputCostUsd ?? 0) + (cached?.outputCostUsd ?? 0), 12);
  });

  it('prices cache writes at their own rate (Anthropic)', () => {
    const r = pricer.price(
      call({
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        cacheCreationInputTokens: 1_000_000,
        outputTokens: 0,
      }),
    );
    expect(r?.inputCostUsd).toBeCloseTo(3.75, 10);
  });

  it('applies dated prices and long-context tiers', () => {
    const big = { provider: 'anthropic', model: 'claude-opus-4-6', inputTokens: 300_000, outputTokens: 0 };
    // before 2026-03-13 prompts over 200k tokens cost $10/M instead of $5/M; from then on, a flat $5/M
    expect(pricer.price(call({ ...big, timeUs: at('2026-01-10T00:00:00Z') }))?.inputCostUsd).toBeCloseTo(
      3,
      10,
    );
    expect(pricer.price(call({ ...big, timeUs: at('2026-06-01T00:00:00Z') }))?.inputCostUsd).toBeCloseTo(
      1.5,
      10,
    );
  });

  it('resolves OTel provider names and survives unknown providers', () => {
    expect(pricer.price(call({ provider: 'gcp.gemini', model: 'gemini-2.5-pro' }))).not.toBeNull();
    expect(pricer.price(call({ provider: 'my-proxy', model: 'gpt-4o' }))?.inputCostUsd).toBeCloseTo(2.5, 10);
    expect(pricer.price(call({ provider: null, model: 'gpt-4o-mini-2024-07-18' }))).not.toBeNull();
  });

  it('returns null for an unknown model and for a call without usage, never 0', () => {
    expect(pricer.price(call({ model: 'no-such-model-xyz' }))).toBeNull();
    expect(pricer.price(call({ inputTokens: null, outputTokens: null }))).toBeNull();
  });
});

describe('price overrides', () => {
  const file = {
    prices: [
      { model: 'gpt-4o*', input: 1, output: 2 },
      { provider: 'openai', model: 'gpt-4o', input: 3, cachedInput: 0.5, output: 4, validFrom: '2025-05-01' },
      { model: 'in-house-*-v2', input: 10, output: 20 },
    ],
  };

  it('override wins over the dataset, latest validFrom first, dated rules only after their date', () => {
    const pricer = createPricer({ overrides: overrides(file) });
    expect(
      pricer.price(call({ timeUs: at('2025-06-01T00:00:00Z'), cachedInputTokens: 500_000 })),
    ).toMatchObject({ inputCostUsd: 0.5 * 3 + 0.5 * 0.5, outputCostUsd: 4, totalCostUsd: 5.75 });
    expect(pricer.price(call({ timeUs: at('2025-04-30T23:59:59Z') }))).toMatchObject({
      inputCostUsd: 1,
      outputCostUsd: 2,
    });
    expect(pricer.price(call({ model: 'GPT-4o-mini' }))).toMatchObject({ inputCostUsd: 1 });
    expect(pricer.price(call({ model: 'in-house-chat-v2', provider: null }))).toMatchObject({
      inputCostUsd: 10,
      outputCostUsd: 20,
    });
    expect(pricer.price(call({ model: 'in-house-chat-v3' }))).toBeNull();
    expect(pricer.version).toMatch(
      new RegExp(`^${PRICE_DATASET_VERSION.replace(/[.]/g, '\\.')}\\+overrides\\.[0-9a-f]{12}$`),
    );
  });

  it('the provider filter uses normalized provider names', () => {
    const pricer = createPricer({
      overrides: overrides({ prices: [{ provider: 'Azure', model: 'gpt-4o', input: 7, output: 7 }] }),
    });
    expect(pricer.price(call({ provider: 'azure.ai.openai' }))?.inputCostUsd).toBe(7);
    expect(pricer.price(call({ provider: 'openai' }))?.inputCostUsd).toBeCloseTo(2.5, 10);
  });

  it('parsePriceOverrides rejects malformed files with a message', () => {
    const bad: Array<[unknown, string]> = [
      [null, 'expected an object'],
      [{ prices: {} }, '"prices" to be an array'],
      [{ prices: [{ model: 'x', input: -1, output: 1 }] }, 'prices[0]: "input"'],
      [{ prices: [{ model: '', input: 1, output: 1 }] }, '"model"'],
      [{ prices: [{ model: 'x', input: 1 }] }, '"output"'],
      [{ prices: [{ model: 'x', input: 1, output: 1, validFrom: '2025-13-45' }] }, '"validFrom"'],
      [{ prices: [{ model: 'x', input: 1, output: 1, inptu: 2 }] }, 'unknown field "inptu"'],
    ];
    for (const [json, message] of bad) {
      const r = parsePriceOverrides(json);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(message);
    }
  });
});

describe('cost on span rows', () => {
  const chat = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': 1_000_000,
    'gen_ai.usage.cache_read.input_tokens': 200_000,
    'gen_ai.usage.output_tokens': 1_000,
  };
  const rows = (attrs: Record<string, unknown>, pricer = createPricer()) =>
    normalizeBatch(
      { spans: [span(attrs as never, { startTimeUs: at('2025-06-01T00:00:00Z') })], logs: [] },
      { pricer },
    ).spans[0];

  it('price-table cost with the dataset version', () => {
    expect(rows(chat)).toMatchObject({
      cost_source: 'price-table',
      price_version: PRICE_DATASET_VERSION,
      input_cost_usd: 0.8 * 2.5 + 0.2 * 1.25,
    });
  });

  it('a reported cost wins over the table', () => {
    expect(rows({ ...chat, 'gen_ai.usage.cost': 0.5 })).toMatchObject({
      cost_source: 'reported',
      total_cost_usd: 0.5,
      price_version: null,
    });
  });

  it('unknown model: cost and cost_source NULL', () => {
    expect(rows({ ...chat, 'gen_ai.request.model': 'homegrown-7b' })).toMatchObject({
      total_cost_usd: null,
      input_cost_usd: null,
      cost_source: null,
      price_version: null,
    });
  });

  it('falls back to the request model when the response model is unknown to the table', () => {
    expect(rows({ ...chat, 'gen_ai.response.model': 'gpt-4o-custom-deployment-77' })?.cost_source).toBe(
      'price-table',
    );
  });

  it('no pricer: no cost', () => {
    expect(
      normalizeBatch({ spans: [span(chat)], logs: [] }, { pricer: null }).spans[0]?.cost_source,
    ).toBeNull();
  });
});
