/**
 * bench-normalizer: normalizer, WAL encoder and pricer throughput on this machine.
 *
 *   node scripts/bench-normalizer/run.ts [--spans 20000] [--rounds 5] [--against DIR]
 *
 * Normalizes seeded synthetic GenAI batches of 512 spans (the generator of test-data) with the
 * price table on, encodes each result as row lines (encodeLines, what the collector's materializer
 * hands DuckDB), then times the pricer alone. Times are process CPU time summed over
 * all batches (the kernel samples it by ticks, so only sums are exact enough), the least of
 * `--rounds` rounds: the machine is shared, and other load only ever adds.
 *
 * `--against DIR` also runs the normalizer and encoder of another checkout (one whose
 * node_modules resolve and that has encodeLines, e.g. a git worktree with node_modules linked
 * in), alternating with this
 * one round by round so both see the same machine, and checks that both write the same bytes.
 * Writes the bench-normalizer section of docs/benchmarks.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import type { OtlpSpan } from '@parley/shared/otlp';
import { createPricer } from '@parley/shared/pricing/index';
import type { MessageRow, SpanRow } from '@parley/shared/rows';
import { encodeLines } from '../../collector/src/storage/line-encoding.ts';

interface Impl {
  label: string;
  normalizeBatch: typeof normalizeBatch;
  encodeRows: (spans: readonly SpanRow[], messages: readonly MessageRow[]) => Buffer;
}

function rowsWith(encode: typeof encodeLines): Impl['encodeRows'] {
  return (spans, messages) => Buffer.concat([encode('spans', spans).data, encode('messages', messages).data]);
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const spansWanted = Number(option('--spans') ?? 20000) || 20000;
const rounds = Math.max(1, Number(option('--rounds') ?? 5) || 5);
const against = option('--against');
const pricer = createPricer();
const batches: OtlpSpan[][] = [
  ...generateBatches({
    spans: spansWanted,
    sessions: spansWanted / 10,
    seed: 7,
    endMs: Date.UTC(2026, 10, 1),
  }),
];

const impls: Impl[] = [{ label: 'this checkout', normalizeBatch, encodeRows: rowsWith(encodeLines) }];
if (against !== undefined) {
  const dir = path.resolve(against);
  const load = async (file: string) => import(pathToFileURL(path.join(dir, file)).href);
  impls.push({
    label: path.basename(dir),
    normalizeBatch: (await load('shared/src/normalizer/index.ts')).normalizeBatch,
    encodeRows: rowsWith((await load('collector/src/storage/line-encoding.ts')).encodeLines),
  });
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Times {
  normalize: number;
  encode: number;
}

const best: Times[] = impls.map(() => ({
  normalize: Number.POSITIVE_INFINITY,
  encode: Number.POSITIVE_INFINITY,
}));
const totals = { spans: 0, calls: 0, messages: 0, walBytes: 0 };
const loadBefore = os.loadavg()[0] ?? 0;
let identical = true;
for (let round = -1; round < rounds; round++) {
  // round -1 warms the JIT up and checks that every implementation writes the same bytes
  impls.forEach((impl, which) => {
    const spent = { normalize: 0, encode: 0 };
    batches.forEach((spans) => {
      const start = cpuMs();
      const out = impl.normalizeBatch({ spans, logs: [] }, { pricer });
      const normalized = cpuMs();
      const wal = impl.encodeRows(out.spans, out.messages);
      const encoded = cpuMs();
      spent.normalize += normalized - start;
      spent.encode += encoded - normalized;
      if (round !== -1) return;
      if (which === 0) {
        totals.spans += out.spans.length;
        totals.calls += out.spans.filter((s) => s.is_llm_call).length;
        totals.messages += out.messages.length;
        totals.walBytes += wal.length;
      } else if (!wal.equals(impls[0]!.encodeRows(out.spans, out.messages))) identical = false;
    });
    if (round === -1) return;
    const t = best[which]!;
    if (spent.normalize + spent.encode < t.normalize + t.encode) Object.assign(t, spent);
  });
}
const loadAfter = os.loadavg()[0] ?? 0;

const PRICE_CALLS = 20000;
const models = ['gpt-4o-mini-2024-07-18', 'gpt-4.1-2025-04-14', 'claude-sonnet-4-20250514', 'gemini-2.5-pro'];
const priceStart = cpuMs();
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
const priceMs = cpuMs() - priceStart;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const rows = impls.map((impl, which) => {
  const t = best[which]!;
  return {
    label: impl.label,
    cells: [
      `${int((totals.spans / t.normalize) * 1000)} spans/s`,
      `${int((totals.messages / t.normalize) * 1000)} rows/s`,
      `${((t.encode * 1000) / totals.spans).toFixed(1)} µs/span (${int(totals.walBytes / t.encode / 1000)} MB/s)`,
      `${(((t.normalize + t.encode) * 512) / totals.spans).toFixed(1)} ms`,
      `${int((totals.spans / (t.normalize + t.encode)) * 1000)} spans/s`,
    ],
  };
});
const measures = [
  'normalizeBatch, 512-span synthetic batches, price table on',
  'same, per message row',
  'encodeLines (row NDJSON) of those rows',
  'normalize + encode, per 512 spans',
  'normalize + encode, one thread',
];
const table = [
  `| Measure | ${rows.map((r) => r.label).join(' | ')} |`,
  `| --- | ${rows.map(() => '---').join(' | ')} |`,
  ...measures.map((m, i) => `| ${m} | ${rows.map((r) => r.cells[i]).join(' | ')} |`),
  `| Pricer.price (memoized model lookup, 4 models) | ${int((PRICE_CALLS / priceMs) * 1000)} calls/s |${rows.length > 1 ? ' |' : ''}`,
].join('\n');

const section = `<!-- bench-normalizer:start -->
## Normalizer, WAL encoder and pricer (\`node scripts/bench-normalizer/run.ts\`)

${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (machine shared with other work). Process CPU time over all batches, least of ${rounds} rounds${impls.length > 1 ? ', implementations alternating round by round' : ''}. ${int(totals.spans)} spans, ${int(totals.calls)} model calls, ${int(totals.messages)} message rows, WAL ${int(totals.walBytes / totals.spans)} B/span.${impls.length > 1 ? ` Same WAL bytes from both: ${identical ? 'yes' : 'NO'}.` : ''}

${table}
<!-- bench-normalizer:end -->`;

const docPath = new URL('../../docs/benchmarks.md', import.meta.url);
const doc = readFileSync(docPath, 'utf8');
const pattern = /<!-- bench-normalizer:start -->[\s\S]*?<!-- bench-normalizer:end -->/;
writeFileSync(
  docPath,
  pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`,
);
console.log(section);
if (!identical) process.exitCode = 1;
