/**
 * bench-decode: decode-only throughput of the OTLP decoders (shared/src/otlp/decode.ts) on
 * 512-span GenAI batches from the synthetic generator, protobuf and JSON, with and without gzip.
 *
 *   node scripts/bench-decode/run.ts [--batches 20] [--seconds 3] [--no-write]
 *
 * Each case decodes every body repeatedly for about `seconds`; the reported rate is the median
 * of the passes. Writes the bench-decode section of docs/benchmarks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeTraces } from '@parley/shared/otlp/decode';
import { encodeTracesRequestJson } from '@parley/test-data/synthetic/encode-json';
import { encodeTracesRequest } from '@parley/test-data/synthetic/encode-protobuf';
import { generateBatches } from '@parley/test-data/synthetic/generate';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPANS_PER_BODY = 512;

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const batchCount = Math.max(1, Number(values.batches));
const seconds = Math.max(0.5, Number(values.seconds));

interface Case {
  name: string;
  encoding: 'protobuf' | 'json';
  gzip: boolean;
  bodies: Uint8Array[];
}

interface Measured {
  name: string;
  spansPerSecond: number;
  bestSpansPerSecond: number;
  /** Spans per second of this process's CPU time (all threads): less sensitive to other load. */
  spansPerCpuSecond: number;
  bytesPerSpan: number;
}

function measure(c: Case): Measured {
  const spans = c.bodies.length * SPANS_PER_BODY;
  const pass = (): number => {
    const t0 = performance.now();
    for (const body of c.bodies) {
      const raw = c.gzip ? gunzipSync(body) : body;
      const result = decodeTraces(raw, c.encoding);
      if (!result.ok || result.value.length !== SPANS_PER_BODY) throw new Error(`${c.name}: decode failed`);
    }
    return performance.now() - t0;
  };
  pass();
  pass();
  const rates: number[] = [];
  const cpuBefore = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline || rates.length < 3) rates.push(spans / (pass() / 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rates.sort((a, b) => a - b);
  const bytes = c.bodies.reduce((n, b) => n + b.length, 0);
  return {
    name: c.name,
    spansPerSecond: rates[Math.floor(rates.length / 2)]!,
    bestSpansPerSecond: rates[rates.length - 1]!,
    spansPerCpuSecond: (rates.length * spans) / cpuSeconds,
    bytesPerSpan: bytes / spans,
  };
}

const batches = [
  ...generateBatches({
    spans: batchCount * SPANS_PER_BODY,
    sessions: Math.max(1, Math.round((batchCount * SPANS_PER_BODY) / 10)),
    seed: 20261126,
    endMs: Date.parse('2026-11-26T00:00:00Z'),
    windowMs: 3_600_000,
    batchSize: SPANS_PER_BODY,
  }),
];
const protobuf = batches.map(encodeTracesRequest);
const json = batches.map(encodeTracesRequestJson);
const cases: Case[] = [
  { name: 'protobuf', encoding: 'protobuf', gzip: false, bodies: protobuf },
  { name: 'protobuf + gzip', encoding: 'protobuf', gzip: true, bodies: protobuf.map((b) => gzipSync(b)) },
  { name: 'JSON', encoding: 'json', gzip: false, bodies: json },
  { name: 'JSON + gzip', encoding: 'json', gzip: true, bodies: json.map((b) => gzipSync(b)) },
];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = os.loadavg()[0]!.toFixed(2);
const results = cases.map((c) => {
  const r = measure(c);
  process.stderr.write(
    `[bench-decode] ${r.name}: ${Math.round(r.spansPerSecond)} spans/s, ${Math.round(r.bytesPerSpan)} B/span\n`,
  );
  return r;
});

const machine = `${os.availableParallelism()} cores (nproc), ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, 1-min load average at start ${load}`;
const section = [
  '## Decode-only throughput (`node scripts/bench-decode/run.ts`)',
  '',
  `Machine: ${machine}. ${batchCount} bodies of ${SPANS_PER_BODY} synthetic GenAI spans (current OTel GenAI convention, history re-sent on`,
  `every call), decoded to \`OtlpSpan\` rows by \`shared/src/otlp/decode.ts\` in one thread; gzip rows include \`gunzipSync\`.`,
  `Wall-clock rates are the median and best of repeated passes over ~${seconds} s per case; the machine is shared, so`,
  'they depend on the load average above. Spans per CPU-second divides by the process CPU time (GC threads included).',
  '',
  '| Body | spans/s (median pass) | spans/s (best pass) | spans per CPU-second | bytes/span on the wire |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.name} | ${fmt(r.spansPerSecond)} | ${fmt(r.bestSpansPerSecond)} | ${fmt(r.spansPerCpuSecond)} | ${fmt(r.bytesPerSpan)} |`,
  ),
].join('\n');
process.stdout.write(`${section}\n`);

if (!values['no-write']) {
  const docs = path.join(ROOT, 'docs/benchmarks.md');
  const text = fs.readFileSync(docs, 'utf8');
  const start = '<!-- bench-decode:start -->';
  const end = '<!-- bench-decode:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from)
    throw new Error('bench-decode markers not found in docs/benchmarks.md');
  fs.writeFileSync(docs, `${text.slice(0, from + start.length)}\n${section}\n${text.slice(to)}`);
  process.stderr.write('[bench-decode] wrote docs/benchmarks.md\n');
}
