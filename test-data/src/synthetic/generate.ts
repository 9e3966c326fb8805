/**
 * Seeded, deterministic synthetic GenAI traffic of any size, in export order like live traffic:
 * sessions start spread evenly (with jitter) over the window and spans come out by end time, so
 * a batch holds a short stretch of time from many concurrent sessions. Each session is generated
 * from its own seed (seed, index), and only the sessions active at the moment are held in memory.
 */
import type { OtlpSpan } from '@parley/shared/otlp';
import { createRandom, mixSeed } from './random.ts';
import { type SessionPlan, generateSession, planSession, spanCount } from './session.ts';
import { createSpanHeap } from './span-heap.ts';

export interface SyntheticOptions {
  /** Exact number of spans to produce. */
  spans: number;
  /** About how many sessions (turn counts are drawn so that `spans` covers about this many). */
  sessions: number;
  seed: number;
  /** End of the time window, ms since epoch; defaults to now (so pass it for byte-identical output). */
  endMs?: number;
  /** Length of the time window in ms; defaults to 7 days. */
  windowMs?: number;
  /** Share of model calls that fail; defaults to 2%. */
  errorRate?: number;
  /** Share of sessions sent without any session id; defaults to 5%. */
  noSessionRate?: number;
}

export const DAY_MS = 86_400_000;
/** Spans per turn on average: HTTP + invoke_agent + chat, plus tool + second chat 25% of the time. */
const SPANS_PER_TURN = 3.5;
const PLAN_STREAM = 1;
const CONTENT_STREAM = 2;

interface Plans {
  count: number;
  plan(index: number): SessionPlan;
}

/** Session plans are cheap: a first pass finds how many sessions hold exactly `spans` spans. */
function plans(options: SyntheticOptions): Plans {
  const meanTurns = options.spans / Math.max(1, options.sessions) / SPANS_PER_TURN;
  const planOptions = {
    maxTurns: Math.max(1, Math.min(30, Math.round(2 * meanTurns - 1))),
    errorRate: options.errorRate ?? 0.02,
    noSessionRate: options.noSessionRate ?? 0.05,
  };
  const plan = (index: number) =>
    planSession(createRandom(mixSeed(options.seed, index, PLAN_STREAM)), planOptions);
  let count = 0;
  for (let total = 0; total < options.spans; count++) total += spanCount(plan(count));
  return { count, plan };
}

function shift(s: OtlpSpan, base: number): void {
  s.startTimeUs += base;
  s.endTimeUs += base;
  for (const e of s.events) e.timeUs += base;
}

export function* generateSpans(options: SyntheticOptions): Generator<OtlpSpan> {
  const endUs = (options.endMs ?? Date.now()) * 1000;
  const windowUs = (options.windowMs ?? 7 * DAY_MS) * 1000;
  const startUs = endUs - windowUs;
  const { count, plan } = plans(options);
  const pending = createSpanHeap();
  let emitted = 0;
  const drainUntil = function* (horizonUs: number): Generator<OtlpSpan> {
    while (emitted < options.spans && pending.size > 0 && pending.peek()!.endTimeUs <= horizonUs) {
      emitted++;
      yield pending.pop()!;
    }
  };
  for (let index = 0; index < count; index++) {
    const r = createRandom(mixSeed(options.seed, index, CONTENT_STREAM));
    const spans = generateSession(r, plan(index));
    let duration = 0;
    for (const s of spans) duration = Math.max(duration, s.endTimeUs);
    const slot = startUs + Math.floor(((index + r.next()) * windowUs) / count);
    // A session that would run past the end of the window starts earlier instead.
    const base = Math.max(startUs, Math.min(slot, endUs - duration));
    yield* drainUntil(base);
    for (const s of spans) {
      shift(s, base);
      pending.push(s);
    }
  }
  yield* drainUntil(Number.POSITIVE_INFINITY);
}

/** The same spans in batches of `batchSize` (default 512); the last batch may be smaller. */
export function* generateBatches(options: SyntheticOptions & { batchSize?: number }): Generator<OtlpSpan[]> {
  const size = Math.max(1, options.batchSize ?? 512);
  let batch: OtlpSpan[] = [];
  for (const s of generateSpans(options)) {
    batch.push(s);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
