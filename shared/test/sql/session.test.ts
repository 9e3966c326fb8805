import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSessionDetail } from '../../src/conversation.ts';
import type { MessageRow, SpanRow } from '../../src/rows.ts';
import { mapCalls, mapMessages, mapSessionTotals, mapSpanExtent, parseProblems } from '../../src/sql/rows.ts';
import {
  sessionCalls,
  sessionEmbeddings,
  sessionMessages,
  sessionSpanExtent,
  sessionTotals,
} from '../../src/sql/session.ts';
import { type Dataset, openDataset } from './duck.ts';
import { MIN, T0, fileGroups, hexId, message, span, summarize } from './fixture.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const t1 = hexId('1', 1, 32);
const t2 = hexId('2', 2, 32);
const t3 = hexId('3', 3, 32);
const t4 = hexId('4', 4, 32);
const spans: SpanRow[] = [];
const messages: MessageRow[] = [];

// conv-1, trace 1: the agent span carries the session, its model call does not (inherited at
// query time), and the call's messages arrived as logs without a session.
const agent1 = span({ trace: t1, session: 'conv-1', start: T0, llm: false });
const c1 = {
  ...span({ trace: t1, session: null, start: T0 + 1000, model: 'gpt-4o', input: 50, output: 10 }),
  // What a call's details show: the model asked for differs from the one that answered.
  request_model: 'gpt-4o-latest',
  finish_reasons: ['stop', 'length'],
  cache_creation_input_tokens: 12,
  price_version: 'genai-prices@0.1.8',
  user_id: 'user-7',
};
messages.push(
  message(c1, 0, 'input', 'system', 'be brief', { session: null }),
  message(c1, 1, 'input', 'user', "what's 2+2?", { session: null }),
  message(c1, 2, 'output', 'assistant', '4', { session: null }),
);
// conv-1, trace 2 (a later hour): a parent span repeating the messages (not an LLM call) and the call.
const parent2 = span({ trace: t2, session: 'conv-1', start: T0 + 70 * MIN, llm: false });
const c2 = span({
  trace: t2,
  session: 'conv-1',
  start: T0 + 70 * MIN + 5,
  model: 'gpt-4o-mini',
  input: 80,
  output: 5,
  inCost: null,
  outCost: null,
});
messages.push(
  message(parent2, 0, 'input', 'user', 'should not be listed'),
  message(c2, 0, 'input', 'system', 'be brief'),
  message(c2, 1, 'input', 'user', "what's 2+2?"),
  message(c2, 2, 'input', 'assistant', '4'),
  message(c2, 3, 'input', 'user', 'and 3+3?'),
  message(c2, 4, 'output', 'assistant', '6'),
);
// A message whose span has not been stored yet, with its session.
const orphan: MessageRow = {
  ...message(c2, 0, 'input', 'user', 'late log'),
  span_id: 'f'.repeat(16),
  start_time: T0 + 80 * MIN,
};
messages.push(orphan);
// Trace 3 carries two sessions; its sessionless call goes to the one of the earliest span.
spans.push(agent1, c1, parent2, c2);
spans.push(span({ trace: t3, session: 'conv-b', start: T0 + 2 * MIN, llm: false }));
spans.push(span({ trace: t3, session: 'conv-a', start: T0 + 3 * MIN, llm: false }));
const c3 = span({ trace: t3, session: null, start: T0 + 4 * MIN });
spans.push(c3);
// Trace 6, a batch request: a root without a session, two turns of two sessions below it, and a
// sessionless call of the root's own, which belongs to neither.
const t6 = hexId('6', 6, 32);
const batchRoot = span({ trace: t6, session: null, start: T0 + 6 * MIN, llm: false });
const under = (row: SpanRow): SpanRow => ({ ...row, parent_span_id: batchRoot.span_id });
const chore = under(span({ trace: t6, session: null, start: T0 + 6 * MIN + 3 }));
spans.push(
  batchRoot,
  under(span({ trace: t6, session: 'batch-x', start: T0 + 6 * MIN + 1, llm: false })),
  under(span({ trace: t6, session: 'batch-y', start: T0 + 6 * MIN + 2, llm: false })),
  chore,
);
// conv-1's embedding requests: in trace 1 a wrapper named 'embeddings' around the request
// (inherited, no session id of their own); in trace 2 one alone, without a price.
const embedding = (
  trace: string,
  session: string | null,
  start: number,
  input: number,
  cost: number | null,
) => ({
  ...span({ trace, session, start, llm: false }),
  operation: 'embeddings',
  model: 'text-embedding-3-small',
  input_tokens: input,
  total_cost_usd: cost,
});
const embedWrapper = embedding(t1, null, T0 + 500, 40, 0.0008);
const embedRequest = { ...embedding(t1, null, T0 + 501, 40, 0.0008), parent_span_id: embedWrapper.span_id };
const embedAlone = embedding(t2, 'conv-1', T0 + 70 * MIN + 1, 7, null);
spans.push(embedWrapper, embedRequest, embedAlone);
// Trace 4 has no session at all.
const c4 = span({
  trace: t4,
  session: null,
  start: T0 + 5 * MIN,
  model: 'mystery',
  inCost: null,
  outCost: null,
});
spans.push(c4);
messages.push(
  message(c4, 0, 'input', 'user', 'no session here'),
  message(c4, 1, 'output', 'assistant', 'ok'),
);
// A session id that begins like a trace key.
const t5 = hexId('5', 5, 32);
const c5 = span({ trace: t5, session: 'trace:my-run', start: T0 + 6 * MIN });
spans.push(c5);
messages.push(message(c5, 0, 'input', 'user', 'prefixed'));

let ds: Dataset;
beforeAll(async () => {
  ds = await openDataset(fileGroups({ spans, messages, summaries: summarize(spans) }));
});
afterAll(() => ds?.close());

describe('sessionCalls', () => {
  it('lists the LLM calls of a session, completing the session from the trace', async () => {
    const calls = mapCalls(await ds.run(sessionCalls('conv-1')));
    expect(calls.map((c) => c.spanId)).toEqual([c1.span_id, c2.span_id]);
    expect(calls[0]).toEqual({
      traceId: t1,
      spanId: c1.span_id,
      startUs: c1.start_time,
      durationMs: 1500,
      model: 'gpt-4o',
      provider: 'openai',
      operation: 'chat',
      statusCode: 'OK',
      statusMessage: null,
      errorType: null,
      problems: [],
      inputTokens: 50,
      outputTokens: 10,
      cachedInputTokens: 0,
      reasoningTokens: null,
      inputCostUsd: 0.001,
      outputCostUsd: 0.002,
      totalCostUsd: 0.003,
      costSource: 'price-table',
      requestModel: 'gpt-4o-latest',
      responseModel: 'gpt-4o',
      finishReasons: ['stop', 'length'],
      cacheCreationInputTokens: 12,
      priceVersion: 'genai-prices@0.1.8',
      serviceName: 'svc',
      name: 'chat gpt-4o',
      userId: 'user-7',
    });
    expect(calls[1]).toMatchObject({ totalCostUsd: null, costSource: null, finishReasons: ['stop'] });
  });

  it('gives a sessionless span of a trace with two sessions to the session of its earliest root', async () => {
    expect(mapCalls(await ds.run(sessionCalls('conv-b'))).map((c) => c.spanId)).toEqual([c3.span_id]);
    expect(await ds.run(sessionCalls('conv-a'))).toEqual([]);
  });

  it('gives a sessionless span below a root without a session, in a trace of two sessions, to neither', async () => {
    for (const key of ['batch-x', 'batch-y']) expect(await ds.run(sessionCalls(key))).toEqual([]);
    expect(mapCalls(await ds.run(sessionCalls(`trace:${t6}`))).map((c) => c.spanId)).toEqual([chore.span_id]);
  });

  it('times a session by all of its spans, agent spans and inherited ones included', async () => {
    const extent = mapSpanExtent(await ds.run(sessionSpanExtent('conv-1')));
    expect(extent).toEqual({ firstUs: agent1.start_time, lastUs: c2.end_time });
    expect(mapSpanExtent(await ds.run(sessionSpanExtent('nope')))).toBeNull();
  });

  it("lists a session's embedding requests once each, the wrapper left out, apart from its calls", async () => {
    const requests = mapCalls(await ds.run(sessionEmbeddings('conv-1')));
    expect(requests.map((r) => r.spanId)).toEqual([embedRequest.span_id, embedAlone.span_id]);
    expect(mapCalls(await ds.run(sessionCalls('conv-1'))).map((c) => c.operation)).toEqual(['chat', 'chat']);
    const detail = buildSessionDetail('conv-1', [], [], null, requests);
    expect(detail.embeddings).toEqual({
      calls: 2,
      inputTokens: 47,
      totalCostUsd: 0.0008,
      unpricedCalls: 1,
      models: ['text-embedding-3-small'],
    });
    expect(detail.totals.llmCalls).toBe(0);
    expect(buildSessionDetail('conv-1', [], []).embeddings).toBeNull();
  });

  it('lists the calls of a sessionless trace by its trace key', async () => {
    expect(mapCalls(await ds.run(sessionCalls(`trace:${t4}`))).map((c) => c.spanId)).toEqual([c4.span_id]);
  });

  it("opens a session whose id begins with 'trace:' as a session", async () => {
    expect(mapCalls(await ds.run(sessionCalls('trace:my-run'))).map((c) => c.spanId)).toEqual([c5.span_id]);
    expect(mapMessages(await ds.run(sessionMessages('trace:my-run'))).map((m) => m.content)).toEqual([
      'prefixed',
    ]);
  });

  it('returns nothing for unknown or hostile keys', async () => {
    for (const key of ['nope', "conv-1' OR '1'='1", 'trace:', "trace:' OR 1=1 --", '%', '']) {
      expect(await ds.run(sessionCalls(key))).toEqual([]);
      expect(await ds.run(sessionCalls(key, { inherit: false }))).toEqual([]);
    }
  });

  it('without inheritance, gives the same calls and messages where no span lacks the session id', async () => {
    // conv-b's trace holds one sessionless call, so the two differ there; c4's trace has none.
    expect(mapCalls(await ds.run(sessionCalls('conv-b', { inherit: false })))).toEqual([]);
    const plain = [
      span({ trace: hexId('5', 5, 32), session: 'conv-p', start: T0 + 5 * MIN }),
      span({ trace: hexId('5', 5, 32), session: 'conv-p', start: T0 + 6 * MIN, llm: false }),
    ];
    const [call] = plain as [SpanRow];
    const said = [
      message(call, 0, 'input', 'user', 'hi'),
      message(call, 1, 'output', 'assistant', 'hello'),
      { ...message(call, 0, 'input', 'user', 'late log'), span_id: 'e'.repeat(16) },
    ];
    const own = await openDataset(fileGroups({ spans: plain, messages: said, summaries: summarize(plain) }));
    try {
      expect(await own.run(sessionCalls('conv-p', { inherit: false }))).toEqual(
        await own.run(sessionCalls('conv-p')),
      );
      expect(await own.run(sessionMessages('conv-p', { inherit: false }))).toEqual(
        await own.run(sessionMessages('conv-p')),
      );
      expect(mapCalls(await own.run(sessionCalls('conv-p', { inherit: false })))).toHaveLength(1);
      expect(await own.run(sessionMessages('conv-p', { inherit: false }))).toHaveLength(3);
    } finally {
      own.close();
    }
  });
});

describe('sessionMessages', () => {
  it("lists the messages of the session's calls, joined by span, plus messages whose span is not stored", async () => {
    const rows = mapMessages(await ds.run(sessionMessages('conv-1')));
    expect(rows.map((m) => [m.spanId, m.seq, m.role, m.content])).toEqual([
      [c1.span_id, 0, 'system', 'be brief'],
      [c1.span_id, 1, 'user', "what's 2+2?"],
      [c1.span_id, 2, 'assistant', '4'],
      [c2.span_id, 0, 'system', 'be brief'],
      [c2.span_id, 1, 'user', "what's 2+2?"],
      [c2.span_id, 2, 'assistant', '4'],
      [c2.span_id, 3, 'user', 'and 3+3?'],
      [c2.span_id, 4, 'assistant', '6'],
      ['f'.repeat(16), 0, 'user', 'late log'],
    ]);
    expect(rows[0]).toMatchObject({
      traceId: t1,
      startUs: c1.start_time,
      direction: 'input',
      model: 'gpt-4o',
    });
    expect(rows[2]).toMatchObject({ direction: 'output', finishReason: 'stop' });
  });

  it('lists the messages of a sessionless trace', async () => {
    const rows = mapMessages(await ds.run(sessionMessages(`trace:${t4}`)));
    expect(rows.map((m) => m.content)).toEqual(['no session here', 'ok']);
  });

  it('feeds the conversation: each message once, and the rollup equals the call totals', async () => {
    const calls = mapCalls(await ds.run(sessionCalls('conv-1')));
    const rows = mapMessages(await ds.run(sessionMessages('conv-1')));
    const detail = buildSessionDetail('conv-1', calls, rows);
    expect(detail.messages.map((m) => m.content)).toEqual([
      'be brief',
      "what's 2+2?",
      '4',
      'and 3+3?',
      '6',
      'late log',
    ]);
    expect(detail.totals).toMatchObject({
      llmCalls: 2,
      inputTokens: 130,
      outputTokens: 15,
      totalCostUsd: 0.003,
      unpricedCalls: 1,
    });
    const sum = (f: (r: (typeof detail.rollup)[number]) => number | null) =>
      detail.rollup.reduce((a, r) => a + (f(r) ?? 0), 0);
    expect(sum((r) => r.inputTokens)).toBe(130);
    expect(sum((r) => r.outputTokens)).toBe(15);
    expect(detail.traceIds).toEqual([t1, t2]);
    expect(detail.models).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });
});

describe('a failed call and its problems', () => {
  const trace = hexId('6', 6, 32);
  const problems = [
    { code: 'inconsistent_usage', field: 'gen_ai.usage.input_tokens', message: 'input tokens below cached' },
    { code: 'content_truncated', message: 'message content of 2000000 characters cut' },
  ];
  const timedOut: SpanRow = {
    ...span({ trace, session: 'conv-err', start: T0 + 7 * MIN, status: 'ERROR' }),
    status_message: null,
    error_type: 'APIConnectionTimeoutError',
    problems: JSON.stringify(problems),
  };
  const said = [message(timedOut, 0, 'input', 'user', 'And costs?')];
  let own: Dataset;
  beforeAll(async () => {
    own = await openDataset(
      fileGroups({ spans: [timedOut], messages: said, summaries: summarize([timedOut]) }),
    );
  });
  afterAll(() => own?.close());

  it('reads the error type and the problems of a call, with and without inheritance', async () => {
    for (const inherit of [true, false]) {
      const [call] = mapCalls(await own.run(sessionCalls('conv-err', { inherit })));
      expect(call).toMatchObject({
        statusCode: 'ERROR',
        statusMessage: null,
        errorType: 'APIConnectionTimeoutError',
      });
      expect(call?.problems).toEqual(problems);
    }
  });

  it('names the error by its type and shows the problems where the call failed', async () => {
    const calls = mapCalls(await own.run(sessionCalls('conv-err')));
    const detail = buildSessionDetail(
      'conv-err',
      calls,
      mapMessages(await own.run(sessionMessages('conv-err'))),
    );
    expect(detail.messages.map((m) => [m.content, m.callError, m.callProblems])).toEqual([
      ['And costs?', 'APIConnectionTimeoutError', problems],
    ]);
  });

  it('keeps problems of the documented shape, and unreadable text whole', () => {
    expect(parseProblems(null)).toEqual([]);
    expect(
      parseProblems('[{"code":"a","message":"m"},{"code":1},"x",{"code":"b","field":7,"message":"n"}]'),
    ).toEqual([
      { code: 'a', message: 'm' },
      { code: 'b', message: 'n' },
    ]);
    expect(parseProblems('not json')).toEqual([{ code: 'unreadable', message: 'not json' }]);
  });
});

describe('calls that reported no usage', () => {
  const trace = hexId('7', 7, 32);
  const noUsage = { input: null, output: null, cached: null, inCost: null, outCost: null } as const;
  // conv-some: a call with usage but no cached figure, then a failed retry without usage or
  // messages (a placeholder card). conv-none: one failed call without usage.
  const answered = span({ trace, session: 'conv-some', start: T0, model: 'gpt-4o', cached: null });
  const retry = span({ trace, session: 'conv-some', start: T0 + MIN, status: 'ERROR', ...noUsage });
  const failed = span({
    trace: hexId('8', 8, 32),
    session: 'conv-none',
    start: T0,
    status: 'ERROR',
    ...noUsage,
  });
  const said = [
    message(answered, 0, 'input', 'user', 'hi'),
    message(answered, 1, 'output', 'assistant', 'hello'),
  ];
  const all = [answered, retry, failed];
  let own: Dataset;
  beforeAll(async () => {
    own = await openDataset(fileGroups({ spans: all, messages: said, summaries: summarize(all) }));
  });
  afterAll(() => own?.close());

  const detailOf = async (key: string) =>
    buildSessionDetail(
      key,
      mapCalls(await own.run(sessionCalls(key))),
      mapMessages(await own.run(sessionMessages(key))),
    );

  it('totals the calls that reported a figure, NULL where none did, in SQL and in the detail', async () => {
    const some = mapSessionTotals(await own.run(sessionTotals('conv-some')));
    expect(some).toMatchObject({
      llmCalls: 2,
      inputTokens: 100,
      outputTokens: 20,
      cachedInputTokens: null,
      reasoningTokens: null,
    });
    const none = mapSessionTotals(await own.run(sessionTotals('conv-none')));
    expect(none).toMatchObject({
      llmCalls: 1,
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: null,
      reasoningTokens: null,
    });
    for (const [key, sql] of [
      ['conv-some', some],
      ['conv-none', none],
    ] as const) {
      const { errors: _e, ...totals } = sql;
      expect((await detailOf(key)).totals, key).toEqual(totals);
    }
  });

  it("counts a failed call's placeholder card in its role's messages, as the conversation shows it", async () => {
    const detail = await detailOf('conv-some');
    expect(detail.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'hi'],
      ['assistant', 'hello'],
      ['assistant', null],
    ]);
    expect(detail.rollup.map((r) => [r.role, r.messages])).toEqual([
      ['user', 1],
      ['assistant', 2],
    ]);
  });
});
