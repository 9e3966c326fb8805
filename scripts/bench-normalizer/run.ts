/**
 * bench-normalizer: normalizer and pricer throughput on this machine (CPU time, so other load on
 * the shared machine inflates the numbers less than wall time would).
 *
 *   node scripts/bench-normalizer/run.ts [--spans 20000]
 *
 * Normalizes seeded synthetic GenAI batches of 512 spans (the generator of test-data) with the
 * price table on, then times the pricer alone. Writes the bench-normalizer section of
 * docs/benchmarks.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import { createPricer } from '@parley/shared/pricing/index';

const args = process.argv.slice(2);
const spansWanted = Number(args[args.indexOf('--spans') + 1] ?? 20000) || 20000;
const pricer = createPricer();
const batches = [
  ...generateBatches({
    spans: spansWanted,
    sessions: spansWanted / 10,
    seed: 7,
    endMs: Date.UTC(2026, 10, 1),
  }),
];

function cpuSeconds<T>(f: () => T): [T, number] {
  const start = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(start);
  return [value, (used.user + used.system) / 1e6];
}

normalizeBatch({ spans: batches[0] ?? [], logs: [] }, { pricer });
const [totals, normalizeSeconds] = cpuSeconds(() => {
  let spans = 0;
  let messages = 0;
  let calls = 0;
  for (const spansOfBatch of batches) {
    const out = normalizeBatch({ spans: spansOfBatch, logs: [] }, { pricer });
    spans += out.spans.length;
    messages += out.messages.length;
    calls += out.spans.filter((s) => s.is_llm_call).length;
  }
  return { spans, messages, calls };
});

const PRICE_CALLS = 20000;
const models = ['gpt-4o-mini-2024-07-18', 'gpt-4.1-2025-04-14', 'claude-sonnet-4-20250514', 'gemini-2.5-pro'];
const [, priceSeconds] = cpuSeconds(() => {
  for (let i = 0; i < PRICE_CALLS; i++) {
    pricer.price({
      provider: null,
      model: models[i % models.length] as string,
      timeUs: Date.UTC(2026, 5, 1) * 1000,
      inputTokens: 1000 + i,
      cachedInputTokens: 200,
      cacheCreationInputTokens: 0,
      outputTokens: 300,
    });
  }
});

const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
const section = `<!-- bench-normalizer:start -->
## Normalizer and pricer (\`node scripts/bench-normalizer/run.ts\`)

${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load average ${os.loadavg()[0]?.toFixed(1)} (machine shared with other work), Node ${process.version}; CPU time of one thread.

| Measure | Result |
| --- | --- |
| normalizeBatch, synthetic batches of 512 spans (price table on) | ${rate(totals.spans, normalizeSeconds)} spans/s (${totals.spans.toLocaleString('en-US')} spans, ${totals.calls.toLocaleString('en-US')} model calls, ${totals.messages.toLocaleString('en-US')} messages in ${normalizeSeconds.toFixed(2)} s) |
| same, per message row | ${rate(totals.messages, normalizeSeconds)} messages/s |
| Pricer.price (memoized model lookup, 4 models) | ${rate(PRICE_CALLS, priceSeconds)} calls/s |
<!-- bench-normalizer:end -->`;

const docPath = new URL('../../docs/benchmarks.md', import.meta.url);
const doc = readFileSync(docPath, 'utf8');
const pattern = /<!-- bench-normalizer:start -->[\s\S]*?<!-- bench-normalizer:end -->/;
writeFileSync(
  docPath,
  pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`,
);
console.log(section);
