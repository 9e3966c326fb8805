import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../src/otlp.ts';
import { RAW_STRING_MAX_CHARS } from '../../src/normalizer/raw-json.ts';
import { CONTENT_MAX_CHARS } from '../../src/normalizer/messages/rows.ts';
import { MAX_TOKENS } from '../../src/normalizer/values.ts';
import { MAX_TIME_US } from '../../src/normalizer/time-bounds.ts';
import { createPricer } from '../../src/pricing/index.ts';
import { normalizeBatch } from '../../src/normalizer/index.ts';
import { event, log, one, problemCodes, run, span } from './helpers.ts';

const chat = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
};

describe('bad input: a row with what could be read, and a recorded problem', () => {
  it('absurd, negative, fractional, NaN and non-numeric token counts become NULL with a problem', () => {
    const cases: Array<[unknown, string]> = [
      [1e30, 'absurd_token_count'],
      [MAX_TOKENS + 1, 'absurd_token_count'],
      [-5, 'invalid_token_count'],
      [12.5, 'invalid_token_count'],
      [Number.NaN, 'invalid_token_count'],
      [Number.POSITIVE_INFINITY, 'invalid_token_count'],
      ['lots', 'wrong_type'],
      [{ n: 1 }, 'wrong_type'],
      [true, 'wrong_type'],
      ['99999999999999999999999', 'absurd_token_count'],
    ];
    for (const [value, code] of cases) {
      const { row, problems } = one({
        ...chat,
        'gen_ai.usage.input_tokens': value as never,
        'gen_ai.usage.output_tokens': 3,
      });
      expect(row.input_tokens, String(value)).toBeNull();
      expect(row.output_tokens).toBe(3);
      expect(problems).toContain(code);
      expect(JSON.parse(row.problems ?? '[]')).toContainEqual(
        expect.objectContaining({ field: 'gen_ai.usage.input_tokens' }),
      );
    }
  });

  it('reads a decimal string token count (int64 as string) and says so', () => {
    const { row, problems } = one({ ...chat, 'gen_ai.usage.input_tokens': '120' });
    expect(row.input_tokens).toBe(120);
    expect(problems).toEqual(['wrong_type']);
  });

  it('does not price a call whose tokens are unreadable (no silently wrong cost)', () => {
    const out = normalizeBatch(
      {
        spans: [span({ ...chat, 'gen_ai.usage.input_tokens': -1, 'gen_ai.usage.output_tokens': 'x' })],
        logs: [],
      },
      { pricer: createPricer() },
    );
    expect(out.spans[0]).toMatchObject({
      input_tokens: null,
      output_tokens: null,
      total_cost_usd: null,
      cost_source: null,
    });
  });

  it('counts an input smaller than its cached tokens as leaving them out, and flags it', () => {
    const { row, problems } = one({
      ...chat,
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.cache_read.input_tokens': 50,
    });
    expect(problems).toContain('inconsistent_usage');
    expect(row).toMatchObject({ input_tokens: 55, cached_input_tokens: 50 });
  });

  it('malformed JSON in message attributes: the row survives, other sources still read', () => {
    const { row, messages, problems } = one({
      ...chat,
      'gen_ai.input.messages': '[{"role":"user","parts":[',
      'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"ok"}]}]',
    });
    expect(row.is_llm_call).toBe(true);
    expect(problems).toEqual(['invalid_json']);
    expect(messages.map((m) => [m.direction, m.content])).toEqual([['output', 'ok']]);
    expect(JSON.parse(row.attributes)['gen_ai.input.messages']).toBe('[{"role":"user","parts":[');
  });

  it('messages of unexpected shapes are skipped, not crashed on', () => {
    const { messages } = one({
      ...chat,
      'gen_ai.input.messages': JSON.stringify([
        42,
        null,
        { parts: 'nope' },
        { role: 7, parts: [null, 3, { type: 'text', content: 'x' }] },
      ]),
    });
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', null],
      ['user', 'x'],
    ]);
  });

  it('invalid tool-call arguments are kept as the string sent', () => {
    const { messages } = one({
      ...chat,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{not json' } }] },
      ]),
    });
    expect(JSON.parse(messages[0]?.parts ?? '[]')).toEqual([
      { type: 'tool_call', id: 'c', name: 'f', arguments: '{not json' },
    ]);
  });

  it('a 1 MB attribute is cut in the raw column with a problem; the message keeps its text', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const { row, messages, problems } = one({
      ...chat,
      'app.blob': huge,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: huge }] }]),
    });
    expect(problems).toEqual(['attribute_truncated', 'attribute_truncated']);
    const attrs = JSON.parse(row.attributes) as Record<string, string>;
    expect(attrs['app.blob']?.length).toBe(RAW_STRING_MAX_CHARS);
    expect(messages[0]?.content?.length).toBe(huge.length);
  });

  it('a message over the limits keeps its cut text and drops its parts, with a problem', () => {
    const huge = 'y'.repeat(2_200_000);
    const { messages, problems } = one({
      ...chat,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: huge }] }]),
    });
    expect(messages[0]?.content?.length).toBe(CONTENT_MAX_CHARS);
    expect(messages[0]?.parts).toBeNull();
    expect(messages[0]?.content_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(problems).toContain('content_truncated');
  });

  it('missing or wrong-typed span fields: still a row, with problems', () => {
    const broken = {
      attributes: 'nope',
      events: 'nope',
      status: null,
      kind: 99,
      name: 5,
    } as unknown as OtlpSpan;
    const out = run([broken]);
    const row = out.spans[0];
    expect(row).toMatchObject({
      trace_id: '',
      span_id: '',
      parent_span_id: null,
      kind: 'UNSPECIFIED',
      name: '',
      start_time: 0,
      status_code: 'UNSET',
      attributes: '{}',
      events: '[]',
    });
    expect(problemCodes(row?.problems ?? null)).toEqual(
      expect.arrayContaining(['missing_field', 'wrong_type']),
    );
  });

  it('end before start is clamped with a problem; ids are lowercased and checked', () => {
    const { row, problems } = one(chat, {
      startTimeUs: 5000,
      endTimeUs: 1000,
      traceId: 'ABC',
      spanId: '00F067AA0BA902B7',
    });
    expect(row).toMatchObject({
      start_time: 5000,
      end_time: 5000,
      duration_ms: 0,
      trace_id: 'abc',
      span_id: '00f067aa0ba902b7',
    });
    expect(problems).toEqual(['invalid_id', 'negative_duration']);
  });

  it('a time of 0 is unset: the span takes its other time, and says so', () => {
    const { row, problems } = one(chat, { startTimeUs: 0, endTimeUs: 7_000_000 });
    expect(row).toMatchObject({ start_time: 7_000_000, end_time: 7_000_000 });
    expect(problems).toEqual(['missing_field']);
    expect(JSON.parse(row?.problems ?? '[]')).toEqual([
      { code: 'missing_field', field: 'start_time', message: 'time is 0 (unset by the sender)' },
    ]);
  });

  it('a time past year 9999 is invalid: the span keeps its other time, log messages their observed time', () => {
    const end = MAX_TIME_US - 5;
    const { row, problems } = one(chat, { startTimeUs: 1e20, endTimeUs: end });
    expect(row).toMatchObject({ start_time: end, end_time: end });
    expect(problems).toEqual(['missing_field']);
    expect(one(chat, { startTimeUs: MAX_TIME_US, endTimeUs: MAX_TIME_US + 1 }).row).toMatchObject({
      start_time: MAX_TIME_US,
      end_time: MAX_TIME_US,
    });

    const s = span(chat);
    const log = {
      eventName: 'gen_ai.user.message',
      traceId: s.traceId,
      spanId: s.spanId,
      body: { content: 'hi' },
    };
    const out = normalizeBatch(
      {
        spans: [],
        logs: [
          { ...log, timeUs: 1e25, observedTimeUs: 7_000 },
          { ...log, spanId: 'aaaaaaaaaaaaaaaa', timeUs: 1e25, observedTimeUs: Number.MAX_VALUE },
        ] as never[],
      },
      { pricer: null },
    );
    expect(out.messages.map((m) => m.start_time)).toEqual([7_000, 0]);
  });

  it('a reported cost that is not a plausible amount is NULL with a problem', () => {
    const { row, problems } = one({ ...chat, 'gen_ai.usage.cost': -3 });
    expect(row).toMatchObject({ total_cost_usd: null, cost_source: null });
    expect(problems).toContain('invalid_cost');
  });

  it('deeply nested attribute values are cut, not a stack overflow', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 500; i++) deep = [deep];
    const { row, problems } = one({ ...chat, nested: deep as never });
    expect(problems).toEqual(['attribute_truncated']);
    expect(row.attributes.length).toBeGreaterThan(10);
  });

  it('JSON nested 20,000 deep inside messages is cut where it is deep, not a stack overflow', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const deepObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const toolCall = (args: string): string =>
      `[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"f","arguments":${args}}]}]`;
    const cases: Array<[string, Record<string, string>]> = [
      ['tool call arguments', { 'gen_ai.input.messages': toolCall(deep) }],
      [
        'an unknown part type',
        { 'gen_ai.input.messages': `[{"role":"user","parts":[{"type":"x","v":${deep}}]}]` },
      ],
      [
        'a tool response',
        {
          'gen_ai.output.messages': `[{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":${deep}}]}]`,
        },
      ],
      [
        'OpenAI-style function arguments',
        {
          'gen_ai.input.messages': `[{"role":"assistant","tool_calls":[{"id":"c1","function":{"name":"f","arguments":${JSON.stringify(deep)}}}]}]`,
        },
      ],
    ];
    for (const [what, attributes] of cases) {
      const { messages } = one({ ...chat, ...attributes });
      expect(messages, what).toHaveLength(1);
      const parts = messages[0]?.parts ?? '';
      expect(parts, what).toContain('"[nested deeper than 64 levels: cut]"');
      expect(JSON.parse(parts), what).toBeInstanceOf(Array);
    }
    const { messages: shallow } = one({ ...chat, 'gen_ai.input.messages': toolCall('[[["x"]]]') });
    expect(JSON.parse(shallow[0]?.parts ?? '')).toEqual([
      { type: 'tool_call', id: 'c1', name: 'f', arguments: [[['x']]] },
    ]);
    for (const key of ['langfuse.observation.input', 'input.value']) {
      const { messages, problems } = one({
        ...chat,
        'langfuse.observation.type': 'generation',
        'openinference.span.kind': 'LLM',
        [key]: deepObject,
      });
      expect(
        messages.map((m) => m.content?.slice(0, 10)),
        key,
      ).toContain('{"a":{"a":');
      expect(problems, key).toContain('attribute_truncated');
    }
  });

  it('event names that are Object.prototype members are names like any other', () => {
    const s = span(chat, {
      events: ['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((name) =>
        event(name, { content: 'x' }),
      ),
    });
    const logs = ['constructor', 'valueOf'].map((name) => log(s, { eventName: name, body: 'hi' }));
    const out = normalizeBatch({ spans: [s], logs }, { pricer: null });
    expect(out.spans).toHaveLength(1);
    expect(out.messages).toEqual([]);
    for (const value of ['constructor', 'toString', '__proto__']) {
      const { row } = one({
        'gen_ai.system': value,
        'gen_ai.request.model': 'm',
        'traceloop.span.kind': value,
      });
      expect(row.provider, value).toBe(value.toLowerCase());
      expect(row.operation, value).toBe(value);
    }
  });

  it('a span sent twice in one batch is one row, its messages once', () => {
    const s = span({
      ...chat,
      'gen_ai.input.messages': '[{"role":"user","content":"hi"}]',
      'gen_ai.usage.input_tokens': 100,
    });
    const out = normalizeBatch({ spans: [s, { ...s }], logs: [] }, { pricer: null });
    expect(out.spans).toHaveLength(1);
    expect(out.messages.map((m) => [m.seq, m.content])).toEqual([[0, 'hi']]);
  });

  it('a "__proto__" attribute key is kept as data, in the raw JSON and in messages', () => {
    const attrs = JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') as Record<string, never>;
    const { row } = one({ ...chat, ...attrs, big: 'x'.repeat(RAW_STRING_MAX_CHARS + 1) });
    expect(JSON.parse(row.attributes)).toMatchObject({ ['__proto__']: { polluted: true }, n: 1 });
    const { messages } = one({
      ...chat,
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"x","__proto__":{"a":1}}]}]',
    });
    expect(messages[0]?.parts).toBe('[{"type":"x","__proto__":{"a":1}}]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an absurdly long session id is cut, with a problem', () => {
    const { row, problems } = one({ ...chat, 'session.id': 's'.repeat(5000), 'user.id': 'u'.repeat(5000) });
    expect(row.session_id).toHaveLength(1024);
    expect(row.user_id).toHaveLength(1024);
    expect(problems).toContain('id_truncated');
  });

  it('malformed log records are skipped or read as far as possible', () => {
    const s = span(chat);
    const logs = [
      null,
      42,
      {
        eventName: 'gen_ai.user.message',
        traceId: s.traceId,
        spanId: s.spanId,
        timeUs: Number.NaN,
        body: '{"content": "hi"',
        attributes: 'x',
      },
      {
        attributes: { 'event.name': 'gen_ai.choice' },
        traceId: s.traceId,
        spanId: s.spanId,
        timeUs: 5,
        body: { index: 'x', message: 'plain' },
      },
    ] as never[];
    const out = normalizeBatch({ spans: [s], logs }, { pricer: null });
    expect(out.messages.map((m) => [m.direction, m.role, m.content])).toEqual([
      ['input', 'user', null],
      ['output', 'assistant', 'plain'],
    ]);
    expect(out.problems.map((p) => p.code)).toEqual(['invalid_json']);
  });

  it("a log record whose body is a bare number or boolean is that message's text", () => {
    const s = span(chat);
    const logs = [
      log(s, { eventName: 'gen_ai.user.message', body: 42 }),
      log(s, { eventName: 'gen_ai.user.message', body: 0.5 }),
      log(s, { eventName: 'gen_ai.assistant.message', body: false }),
    ];
    const out = normalizeBatch({ spans: [s], logs }, { pricer: null });
    expect(out.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', '42'],
      ['user', '0.5'],
      ['assistant', 'false'],
    ]);
  });

  it('a missing input is an empty batch, not a crash', () => {
    expect(normalizeBatch({ spans: undefined as never, logs: null as never }, { pricer: null })).toEqual({
      spans: [],
      messages: [],
      problems: [],
    });
  });
});
