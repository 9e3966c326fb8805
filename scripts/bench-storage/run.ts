/**
 * Storage benchmark (not a test): sustained ingest through the real normalizer, WAL group commit
 * and DuckDB flushes into Parquet. Prints ingest rows/s, flush rows/s (sum of flush times), Parquet
 * bytes per span and peak RSS.
 *   node scripts/bench-storage/run.ts [spans=200000] [clients=4] [heavy|light]
 * heavy: every span is a chat call carrying ~1 KB of prompt and ~300 B of answer as
 * gen_ai.input/output.messages; light: the same calls without message content.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OtlpSpan } from '@parley/shared/otlp';
import { createPipeline } from '../../collector/src/storage/pipeline.ts';
import { BASE_US, span } from '../../collector/test/storage/otlp-builders.ts';

const TOTAL = Number(process.argv[2] ?? 200_000);
const CLIENTS = Number(process.argv[3] ?? 4);
const BATCH = 512;
const HEAVY = (process.argv[4] ?? 'heavy') !== 'light';

// Deterministic prose-like text: enough entropy that ZSTD does not make it free.
const WORDS =
  'the model answer tool call result user asked about weather in paris tokens cost latency session trace span retry error json schema function arguments city temperature forecast'.split(
    ' ',
  );
let seed = 42;
function rand(): number {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
function text(words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

function batch(first: number): OtlpSpan[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const n = first + i;
    return span({
      trace: Math.floor(n / 4) + 1,
      span: n + 1,
      startUs: BASE_US + n * 2_000,
      session: `session-${Math.floor(n / 40)}`,
      ...(HEAVY ? { input: text(150), output: text(50) } : {}),
      inputTokens: 200 + (n % 100),
      outputTokens: 60,
    });
  });
}

const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
let flushMs = 0;
let flushRows = 0;
const pipeline = await createPipeline({
  dataDir: dir,
  writerId: 'wbench',
  prices: null,
  maxQueueSpans: 1_000_000,
  logger: {
    log(_level, event, fields) {
      if (event === 'storage.flush' && fields) {
        flushMs += Number(fields.ms);
        flushRows += Number(fields.spans) + Number(fields.messages);
      }
    },
  },
});

let next = 0;
let overloaded = 0;
const started = performance.now();
async function client(): Promise<void> {
  while (next < TOTAL) {
    const first = next;
    next += BATCH;
    const spans = batch(first);
    for (;;) {
      const result = await pipeline.ingest({ signal: 'traces', spans });
      if (result.ok) break;
      overloaded++;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
await Promise.all(Array.from({ length: CLIENTS }, client));
const ingestS = (performance.now() - started) / 1000;
await pipeline.close();
const flushes = pipeline.stats().flushes;
const totalS = (performance.now() - started) / 1000;

const { loadManifest } = await import('../../collector/src/storage/manifest-store.ts');
const loaded = await loadManifest(dir);
if (!loaded.ok) throw new Error(loaded.error);
const bytes = (table: string) =>
  loaded.manifest.files.filter((f) => f.table === table).reduce((s, f) => s + f.bytes, 0);
const rows = (table: string) =>
  loaded.manifest.files.filter((f) => f.table === table).reduce((s, f) => s + f.rows, 0);
const spans = rows('spans');
const result = {
  spans,
  messages: rows('messages'),
  clients: CLIENTS,
  kind: HEAVY ? 'heavy' : 'light',
  cpu_s: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e5) / 10,
  wall_s: Math.round(totalS * 10) / 10,
  durable_ingest_spans_per_s: Math.round(spans / ingestS),
  end_to_end_spans_per_s: Math.round(spans / totalS),
  flush_rows_per_s: Math.round(flushRows / (flushMs / 1000)),
  flush_spans_per_s: Math.round(spans / (flushMs / 1000)),
  parquet_bytes_per_span: Math.round((bytes('spans') + bytes('messages') + bytes('sessions')) / spans),
  spans_bytes_per_span: Math.round(bytes('spans') / spans),
  flushes,
  files: loaded.manifest.files.length,
  overloaded_retries: overloaded,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.log(JSON.stringify(result, null, 1));
await rm(dir, { recursive: true, force: true });
