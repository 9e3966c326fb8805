/**
 * The flush-time completion of a group in JS, and the bounded span memory it completes against.
 * Whole pipelines (pipeline.test.ts) cover the same rules end to end through DuckDB and Parquet.
 */
import { normalizeBatch } from '@parley/shared/normalizer/index';
import type { OtlpLogRecord, OtlpSpan } from '@parley/shared/otlp';
import { describe, expect, it } from 'vitest';
import { completeGroup } from '../../src/storage/call-completion.ts';
import type { GroupRows, QueuedMessage } from '../../src/storage/call-completion.ts';
import { createRecentSpans } from '../../src/storage/recent-spans.ts';
import { BASE_US, hexId, span, userMessageLog } from './otlp-builders.ts';

const ROOTLESS = { maxAgeMs: 24 * 3_600_000, maxTraces: 100 };
const LIMITS = { maxAgeMs: 60_000, maxSpans: 1000, rootless: ROOTLESS };
const NOW = Date.UTC(2026, 10, 26, 6);

/** One request's rows, as the materializer reads them from a WAL record. */
function request(rq: number, spans: OtlpSpan[], logs: OtlpLogRecord[] = []): GroupRows {
  const out = normalizeBatch({ spans, logs }, { pricer: null });
  return { spans: out.spans, messages: out.messages.map((m): QueuedMessage => ({ ...m, rq })) };
}

function concat(...groups: GroupRows[]): GroupRows {
  return { spans: groups.flatMap((g) => g.spans), messages: groups.flatMap((g) => g.messages) };
}

describe('completeGroup', () => {
  it('gives a span of a later group the session of its trace, from memory', () => {
    const recent = createRecentSpans(LIMITS);
    const parent = span({ trace: 1, span: 1, startUs: BASE_US, session: 'conv-1', llm: false });
    completeGroup(request(1, [parent]), recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    const child = span({ trace: 1, span: 2, parent: 1, startUs: BASE_US + 10, input: 'hi' });
    const done = completeGroup(request(2, [child]), recent, { nowMs: NOW + 1, carryMaxAgeMs: 60_000 });
    expect(done.spans).toHaveLength(1);
    expect(done.spans[0]).toMatchObject({
      span_id: hexId(2, 16),
      session_id: 'conv-1',
      session_source: 'trace',
    });
    expect(done.messages.map((m) => m.session_id)).toEqual(['conv-1']);
  });

  it('keeps the first copy of rows a retrying client sent twice', () => {
    const recent = createRecentSpans(LIMITS);
    const s = span({ trace: 1, span: 1, startUs: BASE_US, session: 'c', input: 'hello' });
    const done = completeGroup(concat(request(1, [s]), request(2, [s])), recent, {
      nowMs: NOW,
      carryMaxAgeMs: 60_000,
    });
    expect(done.spans).toHaveLength(1);
    expect(done.duplicates).toBe(1);
    expect(done.messages).toHaveLength(1);
    expect(done.messages[0]?.rq).toBe(1);
  });

  it('drops a retried span written by an earlier group, with its own messages; its late log messages still join', () => {
    const recent = createRecentSpans(LIMITS);
    const s = span({ trace: 1, span: 1, startUs: BASE_US, session: 'c', input: 'hello', output: 'hi' });
    const first = completeGroup(request(1, [s]), recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    expect([first.spans.length, first.messages.length]).toEqual([1, 2]);
    const other = span({ trace: 2, span: 2, startUs: BASE_US, session: 'd', input: 'new' });
    const retried = completeGroup(
      concat(request(2, [s, other]), request(3, [], [userMessageLog(1, 1, BASE_US, 'late')])),
      recent,
      { nowMs: NOW + 1_000, carryMaxAgeMs: 60_000 },
    );
    expect(retried.spans.map((r) => r.span_id)).toEqual([hexId(2, 16)]);
    expect(retried.duplicates).toBe(1);
    expect(retried.messages.map((m) => [m.span_id, m.source, m.content])).toEqual([
      [hexId(2, 16), 'span_attribute', 'new'],
      [hexId(1, 16), 'log', 'late'],
    ]);
    expect(retried.carried).toEqual({ spans: [], messages: [] });
  });

  it('writes a group again in full once the spans it remembered are taken back (its flush failed)', () => {
    const recent = createRecentSpans(LIMITS);
    const rows = request(1, [span({ trace: 1, span: 1, startUs: BASE_US, session: 'c', input: 'hello' })]);
    const failed = completeGroup(rows, recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    recent.unremember(failed.spans);
    expect([recent.size, recent.has(hexId(1, 32), hexId(1, 16))]).toEqual([0, false]);
    const again = completeGroup(rows, recent, { nowMs: NOW + 1, carryMaxAgeMs: 60_000 });
    expect([again.spans.length, again.messages.length]).toEqual([1, 1]);
  });

  it('carries a log message whose span is unknown, writes it once its span comes or it is too old', () => {
    const recent = createRecentSpans(LIMITS);
    const log = userMessageLog(1, 5, BASE_US, 'early');
    const first = completeGroup(request(1, [], [log]), recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    expect(first.messages).toEqual([]);
    expect(first.carried.messages).toHaveLength(1);
    expect(first.carried.messages[0]).toMatchObject({ carried_since: NOW, rq: 1, content: 'early' });

    // the span arrives: the carried message (listed first, as carries are) joins it
    const carried = first.carried.messages;
    const spanRows = request(2, [span({ trace: 1, span: 5, startUs: BASE_US, session: 'late' })]);
    const joined = completeGroup(
      { spans: spanRows.spans, messages: [...carried, ...spanRows.messages] },
      recent,
      { nowMs: NOW + 5_000, carryMaxAgeMs: 60_000 },
    );
    expect(joined.carried).toEqual({ spans: [], messages: [] });
    expect(joined.messages).toHaveLength(1);
    expect(joined.messages[0]).toMatchObject({ session_id: 'late', content: 'early', seq: 0 });

    // a message whose span never comes is written once it has waited carryMaxAgeMs
    const orphan = userMessageLog(9, 9, BASE_US, 'orphan');
    const held = completeGroup(request(3, [], [orphan]), recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    const expired = completeGroup({ spans: [], messages: held.carried.messages }, recent, {
      nowMs: NOW + 60_000,
      carryMaxAgeMs: 60_000,
    });
    expect(expired.carried).toEqual({ spans: [], messages: [] });
    expect(expired.messages.map((m) => m.content)).toEqual(['orphan']);
  });

  it('writes every message at once on a final flush (no carry)', () => {
    const recent = createRecentSpans(LIMITS);
    const done = completeGroup(request(1, [], [userMessageLog(1, 5, BASE_US, 'x')]), recent, {
      nowMs: NOW,
      carryMaxAgeMs: 0,
    });
    expect(done.carried).toEqual({ spans: [], messages: [] });
    expect(done.messages).toHaveLength(1);
  });

  it('holds spans without a session until their root comes, then gives them its session', () => {
    const recent = createRecentSpans(LIMITS);
    const options = { nowMs: NOW, carryMaxAgeMs: 60_000 };
    const call = span({ trace: 4, span: 2, parent: 1, startUs: BASE_US + 5, input: 'q', output: 'a' });
    const tool = span({ trace: 4, span: 3, parent: 2, startUs: BASE_US + 6, llm: false });
    const first = completeGroup(request(1, [call, tool]), recent, options);
    expect(first.spans).toEqual([]);
    expect(first.messages).toEqual([]);
    expect(first.carried.spans.map((s) => s.span_id)).toEqual([2, 3].map((n) => hexId(n, 16)));
    expect(first.carried.messages).toHaveLength(2);
    expect(recent.size).toBe(0);

    const root = span({ trace: 4, span: 1, startUs: BASE_US, session: 'agent-run', llm: false });
    const rootRows = request(2, [root]);
    const second = completeGroup(
      {
        spans: [...first.carried.spans, ...rootRows.spans],
        messages: [...first.carried.messages, ...rootRows.messages],
      },
      recent,
      { ...options, nowMs: NOW + 3_000 },
    );
    expect(second.carried).toEqual({ spans: [], messages: [] });
    expect(second.rootless).toBe(0);
    expect(second.spans.map((s) => [s.span_id, s.session_id])).toEqual([
      [hexId(2, 16), 'agent-run'],
      [hexId(3, 16), 'agent-run'],
      [hexId(1, 16), 'agent-run'],
    ]);
    expect(second.messages.map((m) => [m.session_id, m.seq])).toEqual([
      ['agent-run', 0],
      ['agent-run', 1],
    ]);
  });

  it('counts the spans it writes without a session once their root has been waited for long enough', () => {
    const recent = createRecentSpans(LIMITS);
    const call = span({ trace: 6, span: 2, parent: 1, startUs: BASE_US + 5, input: 'q', output: 'a' });
    const held = completeGroup(request(1, [call]), recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    expect([held.carried.spans.length, held.rootless]).toEqual([1, 0]);
    const carried = { spans: held.carried.spans, messages: held.carried.messages };
    const waiting = completeGroup(carried, recent, { nowMs: NOW + 59_999, carryMaxAgeMs: 60_000 });
    expect([waiting.carried.spans.length, waiting.rootless]).toEqual([1, 0]);
    const ended = completeGroup(carried, recent, { nowMs: NOW + 60_000, carryMaxAgeMs: 60_000 });
    expect(ended.carried.spans).toEqual([]);
    expect(ended.spans.map((s) => [s.span_id, s.session_id])).toEqual([[hexId(2, 16), null]]);
    expect(ended.rootless).toBe(1);
  });

  it('names the traces whose spans were written without a session when their root brings one', () => {
    const recent = createRecentSpans(LIMITS);
    const day = 24 * 3_600_000_000;
    const calls = [
      span({ trace: 6, span: 2, parent: 1, startUs: BASE_US + 5 }),
      span({ trace: 6, span: 3, parent: 1, startUs: BASE_US + day }),
      span({ trace: 7, span: 2, startUs: BASE_US, session: 'has-one' }),
    ];
    const written = completeGroup(request(1, calls), recent, { nowMs: NOW, carryMaxAgeMs: 0 });
    expect([written.rootless, written.lateSessions]).toEqual([2, []]);

    const root = span({ trace: 6, span: 1, startUs: BASE_US, session: 'agent-6', llm: false });
    const late = completeGroup(
      request(2, [root, span({ trace: 7, span: 3, parent: 2, startUs: BASE_US + 1 })]),
      recent,
      { nowMs: NOW + 1, carryMaxAgeMs: 0 },
    );
    expect(late.lateSessions).toEqual([
      {
        trace_id: hexId(6, 32),
        session_id: 'agent-6',
        days: ['2026-11-26', '2026-11-27'],
        hours: ['2026-11-26T05', '2026-11-27T05'],
      },
    ]);
    // The memory has the session now: the trace's next span takes it, and is not named again.
    const next = completeGroup(
      request(3, [span({ trace: 6, span: 4, parent: 2, startUs: BASE_US + 9 })]),
      recent,
      { nowMs: NOW + 2, carryMaxAgeMs: 0 },
    );
    expect(next.spans.map((s) => s.session_id)).toEqual(['agent-6']);
    expect(next.lateSessions).toEqual([]);
  });

  it('names a trace whose root comes after the memory forgot it, once, with the hours of its rows', () => {
    // An agent run longer than the memory: at full load maxSpans forgets a trace within seconds.
    const recent = createRecentSpans({ maxAgeMs: 60_000, maxSpans: 2, rootless: ROOTLESS });
    const day = 24 * 3_600_000_000;
    const calls = [
      span({ trace: 6, span: 2, parent: 1, startUs: BASE_US + 5 }),
      span({ trace: 6, span: 3, parent: 1, startUs: BASE_US + day }),
    ];
    expect(completeGroup(request(1, calls), recent, { nowMs: NOW, carryMaxAgeMs: 0 }).rootless).toBe(2);
    // Other traces take the memory, and a trace with its root and no session is not kept as rootless.
    const others = [7, 8].map((t) => span({ trace: t, span: 1, startUs: BASE_US, llm: false }));
    completeGroup(request(2, others), recent, { nowMs: NOW + 1, carryMaxAgeMs: 0 });
    expect(recent.context(new Set([hexId(6, 32)]))).toEqual([]);
    expect([...recent.rootless(new Set([6, 7, 8].map((t) => hexId(t, 32)))).keys()]).toEqual([hexId(6, 32)]);

    const root = span({ trace: 6, span: 1, startUs: BASE_US, session: 'agent-6', llm: false });
    const late = completeGroup(request(3, [root]), recent, { nowMs: NOW + 3_600_000, carryMaxAgeMs: 0 });
    expect(late.lateSessions).toEqual([
      {
        trace_id: hexId(6, 32),
        session_id: 'agent-6',
        days: ['2026-11-26', '2026-11-27'],
        hours: ['2026-11-26T05', '2026-11-27T05'],
      },
    ]);
    // Named again until its group commits (a group read again must find it), not after.
    recent.settle(hexId(6, 32));
    const next = completeGroup(
      request(4, [span({ trace: 6, span: 4, parent: 1, startUs: BASE_US + 9 })]),
      recent,
      { nowMs: NOW + 3_600_001, carryMaxAgeMs: 0 },
    );
    expect(next.spans.map((s) => s.session_id)).toEqual(['agent-6']);
    expect(next.lateSessions).toEqual([]);
  });

  it('names the trace of a log message written before its span came, once a span brings the session', () => {
    const recent = createRecentSpans(LIMITS);
    const input = userMessageLog(4, 2, BASE_US, 'asked at the start');
    const held = completeGroup(request(1, [], [input]), recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    const written = completeGroup({ spans: [], messages: held.carried.messages }, recent, {
      nowMs: NOW + 60_000,
      carryMaxAgeMs: 60_000,
    });
    expect(written.messages).toMatchObject([{ session_id: null, content: 'asked at the start' }]);
    const call = span({ trace: 4, span: 2, parent: 1, startUs: BASE_US });
    const root = span({ trace: 4, span: 1, startUs: BASE_US, session: 'slow-call', llm: false });
    const late = completeGroup(request(2, [call, root]), recent, {
      nowMs: NOW + 120_000,
      carryMaxAgeMs: 60_000,
    });
    expect(late.lateSessions).toEqual([
      { trace_id: hexId(4, 32), session_id: 'slow-call', days: ['2026-11-26'], hours: ['2026-11-26T05'] },
    ]);
    // A trace whose root was written without a session: a later span cannot bring it one.
    completeGroup(request(3, [span({ trace: 5, span: 1, startUs: BASE_US, llm: false })]), recent, {
      nowMs: NOW,
      carryMaxAgeMs: 0,
    });
    completeGroup(request(4, [], [userMessageLog(5, 7, BASE_US, 'no span')]), recent, {
      nowMs: NOW,
      carryMaxAgeMs: 0,
    });
    expect(recent.rootless(new Set([hexId(5, 32)])).size).toBe(0);
  });

  it('forgets rootless traces after their own age and count limits', () => {
    const recent = createRecentSpans({
      maxAgeMs: 0,
      maxSpans: 100,
      rootless: { maxAgeMs: 1000, maxTraces: 2 },
    });
    const orphan = (t: number) => span({ trace: t, span: 2, parent: 1, startUs: BASE_US });
    const ids = new Set([1, 2, 3].map((t) => hexId(t, 32)));
    for (const t of [1, 2, 3])
      completeGroup(request(t, [orphan(t)]), recent, { nowMs: NOW + t, carryMaxAgeMs: 0 });
    // Each trace is forgotten by the next call (trace 3 by this one): trace 2 at NOW + 3, trace 3
    // at NOW + 4, and trace 1 no longer fits.
    recent.forget(NOW + 4);
    expect([...recent.rootless(ids).keys()]).toEqual([2, 3].map((t) => hexId(t, 32)));
    recent.forget(NOW + 3 + 1001);
    expect([...recent.rootless(ids).keys()]).toEqual([hexId(3, 32)]);
  });

  it('does not hold spans whose part of the trace begins at a SERVER span, or once the trace has written spans', () => {
    const recent = createRecentSpans(LIMITS);
    const options = { nowMs: NOW, carryMaxAgeMs: 60_000 };
    // a request handled here for a caller elsewhere: the parent of the SERVER span never comes
    const server = {
      ...span({ trace: 5, span: 1, parent: 99, startUs: BASE_US, llm: false }),
      kind: 2 as const,
    };
    const call = span({ trace: 5, span: 2, parent: 1, startUs: BASE_US + 1 });
    const distributed = completeGroup(request(1, [server, call]), recent, options);
    expect(distributed.carried.spans).toEqual([]);
    expect(distributed.spans).toHaveLength(2);

    // the same trace later: its spans are written at once (the trace's first ones are out)
    const late = span({ trace: 5, span: 3, parent: 42, startUs: BASE_US + 2 });
    expect(completeGroup(request(2, [late]), recent, options).spans).toHaveLength(1);
  });

  it('writes a span whose root never comes once it has waited carryMaxAgeMs', () => {
    const recent = createRecentSpans(LIMITS);
    const orphan = span({ trace: 6, span: 2, parent: 1, startUs: BASE_US });
    const held = completeGroup(request(1, [orphan]), recent, { nowMs: NOW, carryMaxAgeMs: 60_000 });
    expect(held.carried.spans).toHaveLength(1);
    const later = completeGroup({ spans: held.carried.spans, messages: held.carried.messages }, recent, {
      nowMs: NOW + 60_000,
      carryMaxAgeMs: 60_000,
    });
    expect(later.carried).toEqual({ spans: [], messages: [] });
    expect(later.spans.map((s) => s.session_id)).toEqual([null]);
  });
});

describe('recent span memory', () => {
  const light = (trace: number, spanNo: number) => ({
    trace_id: hexId(trace, 32),
    span_id: hexId(spanNo, 16),
    parent_span_id: null,
    session_id: `s${trace}`,
    session_source: 'attribute',
    model: null,
    start_time: BASE_US,
    is_llm_call: true,
  });

  it('forgets whole traces, least recently touched first, by age and by count', () => {
    const recent = createRecentSpans({ maxAgeMs: 1000, maxSpans: 4, rootless: ROOTLESS });
    recent.remember([light(1, 1), light(1, 2)], 0);
    recent.remember([light(2, 3), light(2, 4)], 10);
    recent.remember([light(1, 5)], 20); // trace 1 touched again: now the newest
    recent.forget(20);
    expect(recent.size).toBe(5 - 2); // over 4 spans: trace 2, the least recently touched, goes
    expect(recent.has(hexId(2, 32), hexId(3, 16))).toBe(false);
    expect(recent.has(hexId(1, 32), hexId(1, 16))).toBe(true);
    expect(recent.context(new Set([hexId(1, 32)])).map((s) => s.span_id)).toEqual(
      [1, 2, 5].map((n) => hexId(n, 16)),
    );
    recent.forget(20 + 1001);
    expect(recent.size).toBe(0);
  });

  it('counts a span remembered twice once, with its latest values', () => {
    const recent = createRecentSpans({ maxAgeMs: 1000, maxSpans: 10, rootless: ROOTLESS });
    recent.remember([light(1, 1)], 0);
    recent.remember([{ ...light(1, 1), session_id: 'changed' }], 5);
    expect(recent.size).toBe(1);
    expect(recent.context(new Set([hexId(1, 32)]))[0]?.session_id).toBe('changed');
  });
});
