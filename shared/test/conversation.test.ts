import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type SessionMessage,
  buildSessionDetail,
  callCost,
  isPlaceholder,
  reconstructConversation,
  rollupByRole,
} from '../src/conversation.ts';
import type { CallSummary, ConversationMessage } from '../src/view.ts';

const T = 1_790_000_000_000_000;

function call(n: number, patch: Partial<CallSummary> = {}): CallSummary {
  return {
    traceId: 't'.repeat(32),
    spanId: `span${String(n).padStart(12, '0')}`,
    startUs: T + n * 1_000_000,
    durationMs: 100 * n,
    model: 'gpt-4o',
    provider: 'openai',
    operation: 'chat',
    statusCode: 'OK',
    statusMessage: null,
    inputTokens: 100 * n,
    outputTokens: 10 * n,
    cachedInputTokens: n,
    reasoningTokens: null,
    inputCostUsd: 0.01 * n,
    outputCostUsd: 0.02 * n,
    totalCostUsd: 0.03 * n,
    costSource: 'price-table',
    ...patch,
  };
}

type Msg = [role: string, content: string, parts?: string];

/** The messages of a call: its inputs then its outputs, seq in that order. */
function msgs(c: CallSummary, inputs: Msg[], outputs: Msg[]): SessionMessage[] {
  const mk = (m: Msg, seq: number, direction: 'input' | 'output'): SessionMessage => ({
    traceId: c.traceId,
    spanId: c.spanId,
    startUs: c.startUs,
    seq,
    direction,
    role: m[0],
    content: m[1],
    parts: m[2] ?? null,
    toolCallId: m[0] === 'tool' ? 'call_1' : null,
    toolName: null,
    finishReason: direction === 'output' ? 'stop' : null,
    model: null,
    contentHash: `${m[0]}|${m[1]}|${m[2] ?? ''}`,
  });
  return [
    ...inputs.map((m, i) => mk(m, i, 'input')),
    ...outputs.map((m, i) => mk(m, inputs.length + i, 'output')),
  ];
}

const shown = (conv: ConversationMessage[]) =>
  conv.map((m) => `${m.role}:${m.content ?? '∅'}${m.branch ? ' (branch)' : ''}`);

function expectRollupMatchesCalls(calls: CallSummary[], conv: ConversationMessage[]) {
  const rollup = rollupByRole(conv);
  const sum = (f: (c: CallSummary) => number | null) => calls.reduce((a, c) => a + (f(c) ?? 0), 0);
  expect(rollup.reduce((a, r) => a + (r.inputTokens ?? 0), 0)).toBe(sum((c) => c.inputTokens));
  expect(rollup.reduce((a, r) => a + (r.outputTokens ?? 0), 0)).toBe(sum((c) => c.outputTokens));
  expect(rollup.reduce((a, r) => a + (r.cachedInputTokens ?? 0), 0)).toBe(sum((c) => c.cachedInputTokens));
  const costs = calls.map(callCost).filter((c): c is number => c !== null);
  const rolled = rollup.map((r) => r.costUsd).filter((c): c is number => c !== null);
  if (costs.length === 0) expect(rolled).toEqual([]);
  else
    expect(rolled.reduce((a, b) => a + b, 0)).toBeCloseTo(
      costs.reduce((a, b) => a + b, 0),
      12,
    );
  // Every card shown is counted, placeholders included.
  expect(rollup.reduce((a, r) => a + r.messages, 0)).toBe(conv.length);
}

describe('reconstructConversation', () => {
  it('shows instructions rewritten on a call before its new inputs, and the history once', () => {
    const [c1, c2, c3, c4] = [call(1), call(2), call(3), call(4)];
    const conv = reconstructConversation(
      [c1, c2, c3, c4],
      [
        ...msgs(
          c1,
          [
            ['system', 'It is 10:00.'],
            ['user', 'hi'],
          ],
          [['assistant', 'hello']],
        ),
        ...msgs(
          c2,
          [
            ['system', 'It is 10:01.'],
            ['user', 'hi'],
            ['assistant', 'hello'],
            ['user', 'and?'],
          ],
          [['assistant', 'so.']],
        ),
        // Back to instructions sent before, going on from the last call all the same.
        ...msgs(
          c3,
          [
            ['system', 'It is 10:00.'],
            ['user', 'hi'],
            ['assistant', 'hello'],
            ['user', 'and?'],
            ['assistant', 'so.'],
            ['user', 'ok'],
          ],
          [['assistant', 'ok!']],
        ),
        // New instructions and an edited second question: a thread of its own, shown whole.
        ...msgs(
          c4,
          [
            ['system', 'It is 10:03.'],
            ['user', 'hi'],
            ['assistant', 'hello'],
            ['user', 'why?'],
          ],
          [['assistant', 'because.']],
        ),
      ],
    );
    expect(shown(conv)).toEqual([
      'system:It is 10:00.',
      'user:hi',
      'assistant:hello',
      'system:It is 10:01.',
      'user:and?',
      'assistant:so.',
      'system:It is 10:00.',
      'user:ok',
      'assistant:ok!',
      'system:It is 10:03.',
      'user:hi',
      'assistant:hello',
      'user:why?',
      'assistant:because.',
    ]);
    expect(conv.every((m) => m.continuesFrom === null)).toBe(true);
    expectRollupMatchesCalls([c1, c2, c3, c4], conv);
  });

  it("shows a router's specialist, sent the user's message under its own instructions, as a thread of its own", () => {
    const [c1, c2] = [call(1), call(2)];
    const conv = reconstructConversation(
      [c1, c2],
      [
        ...msgs(
          c1,
          [
            ['system', 'route the question'],
            ['user', 'my invoice?'],
          ],
          [['assistant', 'billing']],
        ),
        ...msgs(
          c2,
          [
            ['system', 'you handle billing'],
            ['user', 'my invoice?'],
          ],
          [['assistant', 'paid']],
        ),
      ],
    );
    expect(shown(conv)).toEqual([
      'system:route the question',
      'user:my invoice?',
      'assistant:billing',
      'system:you handle billing',
      'user:my invoice?',
      'assistant:paid',
    ]);
    expect(conv.every((m) => m.continuesFrom === null && !m.branch)).toBe(true);
  });

  it('shows re-sent history once, with a system prompt, and attributes tokens by meaning', () => {
    const c1 = call(1);
    const c2 = call(2);
    const c3 = call(3);
    const messages = [
      ...msgs(
        c1,
        [
          ['system', 'be brief'],
          ['user', 'hi'],
        ],
        [['assistant', 'hello']],
      ),
      ...msgs(
        c2,
        [
          ['system', 'be brief'],
          ['user', 'hi'],
          ['assistant', 'hello'],
          ['user', 'how are you?'],
        ],
        [['assistant', 'fine']],
      ),
      ...msgs(
        c3,
        [
          ['system', 'be brief'],
          ['user', 'hi'],
          ['assistant', 'hello'],
          ['user', 'how are you?'],
          ['assistant', 'fine'],
          ['user', 'bye'],
        ],
        [['assistant', 'bye!']],
      ),
    ];
    const conv = reconstructConversation([c3, c1, c2], [...messages].reverse());
    expect(shown(conv)).toEqual([
      'system:be brief',
      'user:hi',
      'assistant:hello',
      'user:how are you?',
      'assistant:fine',
      'user:bye',
      'assistant:bye!',
    ]);
    expect(conv[0]?.metrics).toEqual({ inputTokens: 100, cachedInputTokens: 1, inputCostUsd: 0.01 });
    expect(conv[1]?.metrics).toEqual({});
    expect(conv[2]?.metrics).toEqual({ outputTokens: 10, reasoningTokens: null, outputCostUsd: 0.02 });
    expect(conv[3]?.metrics).toMatchObject({ inputTokens: 200 });
    expect(conv[4]).toMatchObject({
      latencyMs: 200,
      direction: 'output',
      anchor: `${c2.spanId}:4`,
      model: 'gpt-4o',
    });
    expect(conv[3]?.latencyMs).toBeNull();
    expect(conv.every((m) => !m.branch)).toBe(true);
    const rollup = rollupByRole(conv);
    expect(rollup).toEqual([
      {
        role: 'system',
        messages: 1,
        inputTokens: 100,
        cachedInputTokens: 1,
        outputTokens: 0,
        costUsd: 0.01,
        unpricedSides: 0,
      },
      {
        role: 'user',
        messages: 3,
        inputTokens: 500,
        cachedInputTokens: 5,
        outputTokens: 0,
        costUsd: expect.closeTo(0.05, 12),
        unpricedSides: 0,
      },
      {
        role: 'assistant',
        messages: 3,
        inputTokens: 0,
        cachedInputTokens: 0,
        outputTokens: 60,
        costUsd: expect.closeTo(0.12, 12),
        unpricedSides: 0,
      },
    ]);
    expectRollupMatchesCalls([c1, c2, c3], conv);
  });

  it('shows a tool call and its result as they happen', () => {
    const c1 = call(1);
    const c2 = call(2);
    const toolCall = '[{"type":"tool_call","id":"call_1","name":"weather","arguments":{"city":"Paris"}}]';
    const messages = [
      ...msgs(c1, [['user', 'weather in Paris?']], [['assistant', '', toolCall]]),
      ...msgs(
        c2,
        [
          ['user', 'weather in Paris?'],
          ['assistant', '', toolCall],
          ['tool', '18°C'],
        ],
        [['assistant', 'It is 18°C.']],
      ),
    ];
    const conv = reconstructConversation([c1, c2], messages);
    expect(shown(conv)).toEqual([
      'user:weather in Paris?',
      'assistant:',
      'tool:18°C',
      'assistant:It is 18°C.',
    ]);
    expect(conv[1]?.parts).toBe(toolCall);
    expect(conv[2]).toMatchObject({ toolCallId: 'call_1', metrics: { inputTokens: 200 } });
    expect(rollupByRole(conv).find((r) => r.role === 'tool')).toMatchObject({
      inputTokens: 200,
      messages: 1,
    });
    expectRollupMatchesCalls([c1, c2], conv);
  });

  it('shows edited history as a branch instead of merging it', () => {
    const c1 = call(1);
    const c2 = call(2);
    const c3 = call(3);
    const c4 = call(4);
    const sys: Msg = ['system', 'be brief'];
    const poem: Msg[] = [sys, ['user', 'write a poem'], ['assistant', 'roses…']];
    const messages = [
      ...msgs(c1, poem.slice(0, 2), [['assistant', 'roses…']]),
      ...msgs(c2, [...poem, ['user', 'shorter']], [['assistant', 'roses are red']]),
      // The user edits "shorter": c3 re-sends all of c1's context, but c2 had already continued it
      // and the tie goes to the latest call, so the edit of c2's history shows.
      ...msgs(c3, [...poem, ['user', 'make it rhyme']], [['assistant', 'roses, posies']]),
      ...msgs(
        c4,
        [...poem, ['user', 'make it rhyme'], ['assistant', 'roses, posies'], ['user', 'another']],
        [['assistant', 'frog jumps…']],
      ),
    ];
    const conv = reconstructConversation([c1, c2, c3, c4], messages);
    expect(shown(conv)).toEqual([
      'system:be brief',
      'user:write a poem',
      'assistant:roses…',
      'user:shorter',
      'assistant:roses are red',
      'user:make it rhyme (branch)',
      'assistant:roses, posies',
      'user:another',
      'assistant:frog jumps…',
    ]);
    expect(conv[5]?.metrics).toMatchObject({ inputTokens: 300 });
    // The branch goes on from the first answer, where it left c2's history.
    expect(conv.map((m) => m.continuesFrom)).toEqual([
      null,
      null,
      null,
      null,
      null,
      conv[2]?.anchor,
      null,
      null,
      null,
    ]);
    expectRollupMatchesCalls([c1, c2, c3, c4], conv);
  });

  it('shows a truncated history as a branch even when nothing new is sent with it', () => {
    const c1 = call(1);
    const c2 = call(2);
    const c3 = call(3);
    const messages = [
      ...msgs(c1, [['user', 'a']], [['assistant', 'b']]),
      ...msgs(
        c2,
        [
          ['user', 'a'],
          ['assistant', 'b'],
          ['user', 'c'],
        ],
        [['assistant', 'd']],
      ),
      // c2's last user message dropped and the call resent: only c1's inputs are left.
      ...msgs(c3, [['user', 'a']], [['assistant', 'b2']]),
    ];
    const conv = reconstructConversation([c1, c2, c3], messages);
    expect(shown(conv)).toEqual(['user:a', 'assistant:b', 'user:c', 'assistant:d', 'assistant:b2 (branch)']);
  });

  it('shows a regenerated answer as a branch, carrying the input metrics on the output', () => {
    const c1 = call(1);
    const c2 = call(2);
    const messages = [
      ...msgs(c1, [['user', 'joke?']], [['assistant', 'knock knock']]),
      ...msgs(c2, [['user', 'joke?']], [['assistant', 'a pun']]),
    ];
    const conv = reconstructConversation([c1, c2], messages);
    expect(shown(conv)).toEqual(['user:joke?', 'assistant:knock knock', 'assistant:a pun (branch)']);
    expect(conv[2]?.metrics).toEqual({
      inputTokens: 200,
      cachedInputTokens: 2,
      inputCostUsd: 0.02,
      outputTokens: 20,
      reasoningTokens: null,
      outputCostUsd: 0.04,
    });
    expectRollupMatchesCalls([c1, c2], conv);
  });

  it('keeps interleaved sub-agent threads apart, with no branch and nothing shown twice', () => {
    const planner: Msg = ['system', 'You are the planner.'];
    const task: Msg = ['user', 'Plan a 3-day trip to Lisbon.'];
    const delegating: Msg = ['assistant', 'Delegating to researchers.'];
    const toolCall = (id: string): Msg => ['assistant', '', `[{"type":"tool_call","id":"${id}"}]`];
    const hotels: Msg[] = [
      ['system', 'You research hotels.'],
      ['user', 'Find hotels in Lisbon.'],
    ];
    // A sub-agent reusing the planner's instructions shares only a system prompt with it.
    const food: Msg[] = [planner, ['user', 'Find food in Lisbon.']];
    // The two researchers run at once: their calls alternate between the planner's two calls.
    const p1 = call(1);
    const h1 = call(2);
    const f1 = call(3);
    const h2 = call(4);
    const f2 = call(5);
    const p2 = call(6);
    const cs = [p1, h1, f1, h2, f2, p2];
    const messages = [
      ...msgs(p1, [planner, task], [delegating]),
      ...msgs(h1, hotels, [toolCall('h')]),
      ...msgs(f1, food, [toolCall('f')]),
      ...msgs(h2, [...hotels, toolCall('h'), ['tool', 'hotel list']], [['assistant', 'Hotels: A']]),
      ...msgs(f2, [...food, toolCall('f'), ['tool', 'food list']], [['assistant', 'Food: B']]),
      ...msgs(
        p2,
        [planner, task, delegating, ['user', 'Research results: A; B.']],
        [['assistant', 'Day 1: …']],
      ),
    ];
    const conv = reconstructConversation(cs, messages);
    expect(shown(conv)).toEqual([
      'system:You are the planner.',
      'user:Plan a 3-day trip to Lisbon.',
      'assistant:Delegating to researchers.',
      'system:You research hotels.',
      'user:Find hotels in Lisbon.',
      'assistant:',
      'user:Find food in Lisbon.',
      'assistant:',
      'tool:hotel list',
      'assistant:Hotels: A',
      'tool:food list',
      'assistant:Food: B',
      'user:Research results: A; B.',
      'assistant:Day 1: …',
    ]);
    expect(conv.map((m) => m.spanId)).toEqual(
      [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5].map((i) => cs[i]?.spanId),
    );
    // Each call's input metrics sit on its first new input: the food agent's on its user message.
    expect(conv[6]?.metrics).toMatchObject({ inputTokens: 300 });
    expect(conv[12]?.metrics).toMatchObject({ inputTokens: 600 });
    expectRollupMatchesCalls(cs, conv);
    // A thread taken up again after another says where it goes on from: each researcher's second
    // call after the other's, the planner after both.
    const from = new Map(conv.flatMap((m, i) => (m.continuesFrom === null ? [] : [[i, m.continuesFrom]])));
    expect(from).toEqual(
      new Map([
        [8, conv[5]?.anchor],
        [10, conv[7]?.anchor],
        [12, conv[2]?.anchor],
      ]),
    );
  });

  it('shows turns that send only the new message (history kept elsewhere) in full, without a branch', () => {
    const cs = [call(1), call(2), call(3)];
    const messages = cs.flatMap((c, i) => msgs(c, [['user', `q${i}`]], [['assistant', `a${i}`]]));
    const conv = reconstructConversation(cs, messages);
    expect(shown(conv)).toEqual([
      'user:q0',
      'assistant:a0',
      'user:q1',
      'assistant:a1',
      'user:q2',
      'assistant:a2',
    ]);
    expect(conv.map((m) => m.metrics.inputTokens)).toEqual([100, undefined, 200, undefined, 300, undefined]);
    expectRollupMatchesCalls(cs, conv);
  });

  it('shows a Responses API continuation, which re-sends only its instructions, without a branch', () => {
    const c1 = call(1);
    const c2 = call(2);
    const instructions: Msg = ['system', 'Answer briefly.'];
    const messages = [
      ...msgs(c1, [instructions, ['user', 'name three rivers']], [['assistant', 'Tagus, Rhine, Danube']]),
      ...msgs(c2, [instructions, ['user', 'which is the longest?']], [['assistant', 'The Danube']]),
    ];
    const conv = reconstructConversation([c1, c2], messages);
    expect(shown(conv)).toEqual([
      'system:Answer briefly.',
      'user:name three rivers',
      'assistant:Tagus, Rhine, Danube',
      'user:which is the longest?',
      'assistant:The Danube',
    ]);
    expect(conv[3]?.metrics).toMatchObject({ inputTokens: 200, inputCostUsd: 0.02 });
    expectRollupMatchesCalls([c1, c2], conv);
  });

  it('shows every message of interleaved threads once, in call order, without a branch', () => {
    // Each call picks a thread and re-sends that thread's whole history; all share one system prompt.
    fc.assert(
      fc.property(fc.array(fc.nat(3), { minLength: 1, maxLength: 12 }), (threadOfCall) => {
        const histories = new Map<number, Msg[]>();
        const calls = threadOfCall.map((_, i) => call(i + 1));
        const expected = ['system:shared'];
        const messages = threadOfCall.flatMap((t, i) => {
          const history = histories.get(t) ?? [['system', 'shared']];
          const question: Msg = ['user', `t${t} q${i}`];
          const answer: Msg = ['assistant', `t${t} a${i}`];
          histories.set(t, [...history, question, answer]);
          expected.push(`user:${question[1]}`, `assistant:${answer[1]}`);
          return msgs(calls[i] as CallSummary, [...history, question], [answer]);
        });
        expect(shown(reconstructConversation(calls, messages))).toEqual(expected);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('counts the placeholder cards of failed retries in the rollup, as the conversation shows them', () => {
    // As conv-error-001 of the demo data: four failed calls re-send one prompt and answer nothing.
    const noUsage = {
      statusCode: 'ERROR' as const,
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: null,
    };
    const calls = [1, 2, 3, 4].map((n) =>
      call(n, { ...noUsage, inputCostUsd: null, outputCostUsd: null, totalCostUsd: null }),
    );
    const prompt: Msg[] = [
      ['system', 'be brief'],
      ['user', 'fail please'],
    ];
    const conv = reconstructConversation(
      calls,
      calls.flatMap((c) => msgs(c, prompt, [])),
    );
    expect(conv.map((m) => [m.role, isPlaceholder(m)])).toEqual([
      ['system', false],
      ['user', false],
      ['assistant', true],
      ['assistant', true],
      ['assistant', true],
    ]);
    expect(rollupByRole(conv).map((r) => [r.role, r.messages])).toEqual([
      ['system', 1],
      ['user', 1],
      ['assistant', 3],
    ]);
    // Tokens the calls did not report read "not reported" on the roles they are attributed to (the
    // first call's sides on the system prompt, the retries' on their cards); the user, to whom
    // nothing is attributed, reads 0.
    expect(
      rollupByRole(conv).map((r) => [r.role, r.inputTokens, r.cachedInputTokens, r.outputTokens]),
    ).toEqual([
      ['system', null, null, null],
      ['user', 0, 0, 0],
      ['assistant', null, null, null],
    ]);
    expectRollupMatchesCalls(calls, conv);
  });

  it('sums the tokens a role was attributed that were reported, when only some calls reported them', () => {
    const calls = [call(1), call(2, { inputTokens: null, outputTokens: null, cachedInputTokens: null })];
    const conv = reconstructConversation(calls, [
      ...msgs(calls[0] as CallSummary, [['user', 'one']], [['assistant', 'a']]),
      ...msgs(
        calls[1] as CallSummary,
        [
          ['user', 'one'],
          ['assistant', 'a'],
          ['user', 'two'],
        ],
        [['assistant', 'b']],
      ),
    ]);
    expect(rollupByRole(conv).map((r) => [r.role, r.inputTokens, r.outputTokens])).toEqual([
      ['user', calls[0]?.inputTokens, 0],
      ['assistant', 0, calls[0]?.outputTokens],
    ]);
  });

  it('keeps every call visible when content capture is off, with a placeholder carrying its metrics', () => {
    const calls = [call(1), call(2, { totalCostUsd: null, inputCostUsd: null, outputCostUsd: null })];
    const conv = reconstructConversation(calls, []);
    expect(conv).toHaveLength(2);
    expect(conv.every(isPlaceholder)).toBe(true);
    expect(conv[0]).toMatchObject({
      anchor: `${calls[0]?.spanId}:-1`,
      role: 'assistant',
      content: null,
      latencyMs: 100,
    });
    expect(conv[0]?.metrics).toMatchObject({ inputTokens: 100, outputTokens: 10 });
    const rollup = rollupByRole(conv);
    expect(rollup).toEqual([
      {
        role: 'assistant',
        // Both placeholder cards: the reader sees two.
        messages: 2,
        inputTokens: 300,
        cachedInputTokens: 3,
        outputTokens: 30,
        costUsd: 0.03,
        // The second call has no price: its input and output sides both sit on this row.
        unpricedSides: 2,
      },
    ]);
    expectRollupMatchesCalls(calls, conv);
  });

  it('does not treat a call without captured messages as the context of the next one', () => {
    const c1 = call(1);
    const c2 = call(2);
    const c3 = call(3);
    const messages = [
      ...msgs(c1, [['user', 'a']], [['assistant', 'b']]),
      ...msgs(
        c3,
        [
          ['user', 'a'],
          ['assistant', 'b'],
          ['user', 'c'],
        ],
        [['assistant', 'd']],
      ),
    ];
    const conv = reconstructConversation([c1, c2, c3], messages);
    expect(shown(conv)).toEqual(['user:a', 'assistant:b', 'assistant:∅', 'user:c', 'assistant:d']);
    expect(conv.some((m) => m.branch)).toBe(false);
  });

  it('shows every choice of a call, and continues from whichever choice was kept', () => {
    const c1 = call(1);
    const c2 = call(2);
    const messages = [
      ...msgs(
        c1,
        [['user', 'name a color']],
        [
          ['assistant', 'red'],
          ['assistant', 'blue'],
        ],
      ),
      ...msgs(
        c2,
        [
          ['user', 'name a color'],
          ['assistant', 'blue'],
          ['user', 'another'],
        ],
        [['assistant', 'green']],
      ),
    ];
    const conv = reconstructConversation([c1, c2], messages);
    expect(shown(conv)).toEqual([
      'user:name a color',
      'assistant:red',
      'assistant:blue',
      'user:another',
      'assistant:green',
    ]);
    expect(conv[1]?.metrics.outputTokens).toBe(10);
    expect(conv[2]?.metrics).toEqual({});
    expectRollupMatchesCalls([c1, c2], conv);
  });

  it('puts the output metrics of a call without output on its first new input (failed call)', () => {
    const c1 = call(1, { statusCode: 'ERROR', outputTokens: 0 });
    const conv = reconstructConversation([c1], msgs(c1, [['user', 'boom?']], []));
    expect(conv).toHaveLength(1);
    expect(conv[0]?.metrics).toMatchObject({ inputTokens: 100, outputTokens: 0 });
    expect(conv[0]?.callError).toBe('error');
  });

  it('marks where a call failed, with its status message, and nowhere else', () => {
    const ok = call(1);
    const failed = call(2, {
      statusCode: 'ERROR',
      statusMessage: '429 Too Many Requests',
      outputTokens: null,
    });
    const messages = [
      ...msgs(ok, [['user', 'a']], [['assistant', 'b']]),
      ...msgs(
        failed,
        [
          ['user', 'a'],
          ['assistant', 'b'],
          ['user', 'c'],
        ],
        [],
      ),
    ];
    const conv = reconstructConversation([ok, failed], messages);
    expect(conv.map((m) => [m.content, m.callError])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['c', '429 Too Many Requests'],
    ]);
  });

  it('marks a failed call without output after its last message, not on its system prompt', () => {
    const failed = call(1, { statusCode: 'ERROR', statusMessage: 'boom', outputTokens: null });
    const conv = reconstructConversation(
      [failed],
      msgs(
        failed,
        [
          ['system', 's'],
          ['user', 'u'],
        ],
        [],
      ),
    );
    expect(conv.map((m) => [m.role, m.callError])).toEqual([
      ['system', undefined],
      ['user', 'boom'],
    ]);
    // The metrics stay where the attribution rules put them.
    expect(conv[0]?.metrics).toMatchObject({ inputTokens: 100, outputTokens: null });
  });

  it('puts a reported total without a split on the output side, marked, and derives a missing side', () => {
    const c1 = call(1, { inputCostUsd: null, outputCostUsd: null, totalCostUsd: 0.5 });
    const c2 = call(2, { inputCostUsd: 0.1, outputCostUsd: null, totalCostUsd: 0.5 });
    const messages = [
      ...msgs(c1, [['user', 'x']], [['assistant', 'y']]),
      ...msgs(
        c2,
        [
          ['user', 'x'],
          ['assistant', 'y'],
          ['user', 'z'],
        ],
        [['assistant', 'w']],
      ),
    ];
    const conv = reconstructConversation([c1, c2], messages);
    // The input side of a total-only call has no cost of its own (not an unknown one).
    expect(conv[0]?.metrics).toEqual({ inputTokens: 100, cachedInputTokens: 1, costTotalOnly: true });
    expect(conv[1]?.metrics).toMatchObject({ outputCostUsd: 0.5, costTotalOnly: true });
    expect(conv[2]?.metrics.inputCostUsd).toBe(0.1);
    expect(conv[3]?.metrics.outputCostUsd).toBeCloseTo(0.4, 12);
    expect(conv.slice(2).some((m) => 'costTotalOnly' in m.metrics)).toBe(false);
    expectRollupMatchesCalls([c1, c2], conv);
  });

  it('reports a NULL rollup cost when nothing is priced', () => {
    const calls = [1, 2].map((n) => call(n, { inputCostUsd: null, outputCostUsd: null, totalCostUsd: null }));
    const conv = reconstructConversation(calls, [
      ...msgs(calls[0] as CallSummary, [['user', 'q']], [['assistant', 'a']]),
    ]);
    expect(rollupByRole(conv).map((r) => r.costUsd)).toEqual([null, null]);
  });

  it('keeps messages whose call is unknown, in time order, without metrics', () => {
    const c1 = call(1);
    const ghost = call(5);
    const messages = [
      ...msgs(c1, [['user', 'a']], [['assistant', 'b']]),
      ...msgs(
        ghost,
        [
          ['user', 'a'],
          ['assistant', 'b'],
          ['user', 'late'],
        ],
        [],
      ),
    ];
    const conv = reconstructConversation([c1], messages);
    expect(shown(conv)).toEqual(['user:a', 'assistant:b', 'user:late']);
    // Nothing was measured for it: no badges rather than "unknown" ones.
    expect(conv[2]?.metrics).toEqual({});
  });

  it('keeps the rollup equal to the call totals for any conversation', () => {
    const roles = fc.constantFrom('system', 'user', 'assistant', 'tool');
    const m = fc.tuple(roles, fc.constantFrom('a', 'b', 'c')).map(([r, c]): Msg => [r, c]);
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
    const callArb = fc.record({
      inputs: fc.array(m, { maxLength: 5 }),
      outputs: fc.array(m, { maxLength: 2 }),
      input: maybe(fc.nat(10_000)),
      output: maybe(fc.nat(10_000)),
      cached: maybe(fc.nat(100)),
      inCost: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
      outCost: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
      total: maybe(fc.double({ min: 0, max: 2, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(callArb, { maxLength: 6 }), (specs) => {
        const calls = specs.map((s, i) =>
          call(i + 1, {
            inputTokens: s.input,
            outputTokens: s.output,
            cachedInputTokens: s.cached,
            inputCostUsd: s.inCost,
            outputCostUsd: s.outCost,
            totalCostUsd: s.total,
          }),
        );
        const messages = specs.flatMap((s, i) => msgs(calls[i] as CallSummary, s.inputs, s.outputs));
        const conv = reconstructConversation(calls, messages);
        expectRollupMatchesCalls(calls, conv);
        const anchors = conv.map((c) => c.anchor);
        expect(new Set(anchors).size).toBe(anchors.length);
        for (const c of calls) expect(conv.some((x) => x.spanId === c.spanId)).toBe(true);
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('shows the same conversation whatever the order of the message rows', () => {
    // The queries give a call's rows together and in seq order, and the grouping takes the fast
    // way then; any other order must group the same. Calls of two traces share span ids, and some
    // messages' call is unknown, so a row's call is told by both ids.
    const roles = fc.constantFrom('system', 'user', 'assistant', 'tool');
    const m = fc.tuple(roles, fc.constantFrom('a', 'b', 'c')).map(([r, c]): Msg => [r, c]);
    const callArb = fc.record({
      inputs: fc.array(m, { maxLength: 5 }),
      outputs: fc.array(m, { maxLength: 2 }),
      known: fc.boolean(),
    });
    const callsAndRows = fc.array(callArb, { minLength: 1, maxLength: 6 }).chain((specs) => {
      // Calls 2k and 2k + 1 share a span id, in traces a and b.
      const all = specs.map((_, i) =>
        call(Math.floor(i / 2) + 1, { traceId: (i % 2 ? 'b' : 'a').repeat(32), startUs: T + i }),
      );
      const calls = all.filter((_, i) => specs[i]?.known);
      const rows = specs.flatMap((s, i) => msgs(all[i] as CallSummary, s.inputs, s.outputs));
      return fc.tuple(
        fc.constant(calls),
        fc.constant(rows),
        fc.shuffledSubarray(rows, { minLength: rows.length }),
      );
    });
    fc.assert(
      fc.property(callsAndRows, ([calls, rows, shuffled]) => {
        expect(reconstructConversation(calls, shuffled)).toEqual(reconstructConversation(calls, rows));
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('buildSessionDetail', () => {
  it('summarizes the session and its calls', () => {
    const c1 = call(1, { traceId: 'b'.repeat(32), model: 'gpt-4o-mini' });
    const c2 = call(2, {
      statusCode: 'ERROR',
      inputCostUsd: null,
      outputCostUsd: null,
      totalCostUsd: null,
      reasoningTokens: 7,
    });
    const d = buildSessionDetail(
      'trace:' + 'f'.repeat(32),
      [c2, c1],
      msgs(c1, [['user', 'q']], [['assistant', 'a']]),
    );
    expect(d).toMatchObject({
      key: 'trace:' + 'f'.repeat(32),
      sessionId: null,
      traceIds: ['b'.repeat(32), 't'.repeat(32)],
      firstUs: c1.startUs,
      lastUs: c2.startUs + 200_000,
      durationMs: 1200,
      models: ['gpt-4o', 'gpt-4o-mini'],
      errors: 1,
      totals: {
        llmCalls: 2,
        inputTokens: 300,
        outputTokens: 30,
        cachedInputTokens: 3,
        reasoningTokens: 7,
        totalCostUsd: 0.03,
        unpricedCalls: 1,
      },
    });
    expect(d.calls.map((c) => c.spanId)).toEqual([c1.spanId, c2.spanId]);
    expect(buildSessionDetail('s', [], [])).toMatchObject({
      sessionId: 's',
      firstUs: 0,
      lastUs: 0,
      messages: [],
      rollup: [],
      totals: { llmCalls: 0, totalCostUsd: null },
    });
  });

  it('times the session by all of its spans when they are known, as the sessions list does', () => {
    const c1 = call(1);
    const spans = { firstUs: c1.startUs - 3_000_000, lastUs: c1.startUs + 6_000_000 };
    expect(buildSessionDetail('s', [c1], [], spans)).toMatchObject({
      firstUs: spans.firstUs,
      lastUs: spans.lastUs,
      durationMs: 9000,
    });
  });
});
