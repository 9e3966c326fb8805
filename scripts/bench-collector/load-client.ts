/**
 * Load generator for bench-collector, run as its own process so the collector's CPU is not
 * shared with the client's event loop. Sends pre-encoded OTLP protobuf bodies over keep-alive
 * HTTP and prints one JSON result line.
 *
 *   closed loop: `concurrency` clients, each sends the next body as soon as the last was acked.
 *   open loop:   requests start at a fixed rate (bodies/s) whatever the latency, so latency is
 *                measured at a known load rather than at the load the server chooses.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { idOffsets, withIds } from './unique-ids.ts';

export interface LoadSpec {
  url: string;
  bodiesDir: string;
  spansPerBody: number;
  durationMs: number;
  concurrency: number;
  /** Bodies per second for an open loop; absent for a closed loop. */
  rate?: number;
  /** Distinguishes this client's span ids from other clients' (1–255; see unique-ids.ts). */
  idSeed: number;
}

export interface LoadResult {
  requests: number;
  acked: number;
  ackedSpans: number;
  throttled: number;
  failed: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** When the first 429/503 came (ms from the start), and the spans acknowledged before it; null if none came. */
  firstThrottle: { atMs: number; ackedSpans: number } | null;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const bodies = fs
  .readdirSync(spec.bodiesDir)
  .filter((f) => f.endsWith('.pb'))
  .sort()
  .map((f) => fs.readFileSync(path.join(spec.bodiesDir, f)));
const offsets = bodies.map(idOffsets);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency * 2 });
const target = new URL('/v1/traces', spec.url);

function send(body: Buffer): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const result: LoadResult = {
  requests: 0,
  acked: 0,
  ackedSpans: 0,
  throttled: 0,
  failed: 0,
  elapsedMs: 0,
  latenciesMs: [],
  firstThrottle: null,
};
let nextBody = 0;
const started = performance.now();
const deadline = started + spec.durationMs;

async function one(): Promise<void> {
  const n = nextBody++;
  const index = n % bodies.length;
  // One id set per round through the bodies: a trace that continues into the next body keeps its
  // ids there.
  const round = Math.floor(n / bodies.length);
  const body = withIds(bodies[index] as Buffer, offsets[index] as number[], spec.idSeed * 2 ** 24 + round);
  const t0 = performance.now();
  result.requests++;
  try {
    const { status, retryAfter } = await send(body);
    if (status === 200) {
      result.acked++;
      result.ackedSpans += spec.spansPerBody;
      result.latenciesMs.push(performance.now() - t0);
    } else if (status === 429 || status === 503) {
      result.throttled++;
      result.firstThrottle ??= { atMs: performance.now() - started, ackedSpans: result.ackedSpans };
      await new Promise((r) => setTimeout(r, Math.min(retryAfter, 1) * 1000));
    } else result.failed++;
  } catch {
    result.failed++;
  }
}

async function closedLoop(): Promise<void> {
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
}

async function openLoop(rate: number): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / rate;
  for (let i = 0; ; i++) {
    const due = started + i * interval;
    if (due >= deadline) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p = one().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
}

await (spec.rate === undefined ? closedLoop() : openLoop(spec.rate));
result.elapsedMs = performance.now() - started;
agent.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
