import { findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { createDatasetPricer, type TokenUsage } from '../../src/pricing/dataset.ts';

const PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'aws',
  'azure',
  'mistral',
  'x-ai',
  'groq',
  'deepseek',
  'cohere',
  'openrouter',
  'together',
  'fireworks',
];
const DATES = ['2025-06-01T12:00:00Z', '2026-08-20T03:00:00Z'].map((d) => new Date(d));
const USAGES: TokenUsage[] = [
  { input: 50_000, cacheRead: 20_000, cacheWrite: 5_000, output: 2_000 },
  { input: 300_000, cacheRead: 100_000, cacheWrite: 0, output: 10_000 },
];

describe('dataset pricer fast path', () => {
  // ~2,000 reference calls at ~10k/s, on a machine shared with other test runs
  it(
    'agrees with genai-prices calcPrice on every model of the main providers, dates and usages',
    { timeout: 60_000 },
    () => {
      const fast = createDatasetPricer();
      const reference = createDatasetPricer({ fastPath: false });
      let compared = 0;
      for (const providerId of PROVIDERS) {
        const provider = findProvider({ providerId });
        if (provider === undefined) continue;
        for (const model of provider.models) {
          for (const when of DATES) {
            for (const usage of USAGES) {
              // twice: the first call resolves the model, the second takes the fast path
              fast(providerId, model.id, when, usage);
              const a = fast(providerId, model.id, when, usage);
              const b = reference(providerId, model.id, when, usage);
              expect(a === null, `${providerId}/${model.id}`).toBe(b === null);
              if (a === null || b === null) continue;
              for (const k of ['input', 'output', 'total'] as const) {
                expect(a[k], `${providerId}/${model.id} ${when.toISOString()} ${k}`).toBeCloseTo(b[k], 12);
              }
              compared++;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(500);
    },
  );
});
