import { describe, expect, it } from 'vitest';
import { completeAcrossBatches } from '../../src/normalizer/index.ts';
import { brief, event, log, one, parts, run, span } from './helpers.ts';

describe('OTel <= 1.27: content in span events', () => {
  it('reads gen_ai.content.prompt / .completion and the old usage names', () => {
    const { row, messages } = one(
      {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4',
        'gen_ai.usage.prompt_tokens': 12,
        'gen_ai.usage.completion_tokens': 7,
      },
      {
        events: [
          event('gen_ai.content.prompt', {
            'gen_ai.prompt': JSON.stringify([
              { role: 'system', content: 'Be nice' },
              { role: 'user', content: 'Hi' },
            ]),
          }),
          event('gen_ai.content.completion', {
            'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Hello!' }]),
          }),
        ],
      },
    );
    expect(row).toMatchObject({
      convention: 'otel-genai-legacy',
      operation: 'chat',
      is_llm_call: true,
      input_tokens: 12,
      output_tokens: 7,
      provider: 'openai',
    });
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'Be nice' },
      { seq: 1, direction: 'input', role: 'user', content: 'Hi' },
      { seq: 2, direction: 'output', role: 'assistant', content: 'Hello!' },
    ]);
    expect(messages.every((m) => m.source === 'span_event')).toBe(true);
  });

  it('reads 1.28–1.36 message events when an emitter puts them on the span', () => {
    const { messages } = one(
      { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4' },
      {
        events: [
          event('gen_ai.user.message', { content: 'Hi' }),
          event('gen_ai.choice', { index: 0, finish_reason: 'stop', message: { content: 'Yo' } }),
        ],
      },
    );
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'user', content: 'Hi' },
      { seq: 1, direction: 'output', role: 'assistant', content: 'Yo' },
    ]);
    expect(messages[1]?.finish_reason).toBe('stop');
  });
});

/** What @opentelemetry/instrumentation-openai 0.22 sends for a chat completion with a tool round trip. */
function chatWithLogs(eventNameIn: 'attribute' | 'field') {
  const s = span({
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 40,
    'gen_ai.usage.output_tokens': 9,
  });
  const named = (name: string, body: unknown, dt: number) =>
    log(s, {
      timeUs: s.startTimeUs + dt,
      body: body as never,
      ...(eventNameIn === 'field'
        ? { eventName: name }
        : { attributes: { 'event.name': name, 'gen_ai.system': 'openai' } }),
    });
  const logs = [
    named('gen_ai.system.message', { content: 'You are terse.' }, 1),
    named('gen_ai.user.message', { content: 'Weather in Paris?' }, 1),
    named(
      'gen_ai.assistant.message',
      {
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      1,
    ),
    named('gen_ai.tool.message', { id: 'call_1', content: '18 °C' }, 1),
    named(
      'gen_ai.choice',
      { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Sunny, 18 °C.' } },
      900_000,
    ),
  ];
  return { s, logs };
}

const expected = [
  { seq: 0, direction: 'input', role: 'system', content: 'You are terse.' },
  { seq: 1, direction: 'input', role: 'user', content: 'Weather in Paris?' },
  { seq: 2, direction: 'input', role: 'assistant', content: null },
  { seq: 3, direction: 'input', role: 'tool', content: '18 °C', tool_call_id: 'call_1' },
  { seq: 4, direction: 'output', role: 'assistant', content: 'Sunny, 18 °C.' },
];

describe('OTel 1.28–1.36: message events as log records', () => {
  it('joins log messages to the span in the same batch (event name in attribute event.name)', () => {
    const { s, logs } = chatWithLogs('attribute');
    const out = run([s], logs);
    expect(out.spans[0]).toMatchObject({ convention: 'otel-genai-legacy', is_llm_call: true });
    expect(brief(out.messages)).toEqual(expected);
    expect(
      out.messages.every(
        (m) => m.source === 'log' && m.model === 'gpt-4o-mini-2024-07-18' && m.start_time === s.startTimeUs,
      ),
    ).toBe(true);
    expect(parts(out.messages[2])).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    expect(out.messages[4]?.finish_reason).toBe('stop');
  });

  it('reads the event name from LogRecord.event_name too', () => {
    const { s, logs } = chatWithLogs('field');
    expect(brief(run([s], logs).messages)).toEqual(expected);
  });

  it('keeps log messages whose span has not arrived, with log time and no session, and completes them later', () => {
    const { s, logs } = chatWithLogs('attribute');
    const parent = span({ 'gen_ai.conversation.id': 'conv-9' }, { name: 'turn', kind: 1 });
    const child = { ...s, parentSpanId: parent.spanId };
    // logs first, in two requests (inputs, then the choice), then the spans
    const a = run([], logs.slice(0, 4));
    const b = run([], logs.slice(4));
    const c = run([child, parent]);
    expect(
      a.messages.every(
        (m) => m.session_id === null && m.model === null && m.start_time === s.startTimeUs + 1,
      ),
    ).toBe(true);
    expect(b.messages[0]?.seq).toBe(0);
    const done = completeAcrossBatches([...c.spans], [...a.messages, ...b.messages, ...c.messages]);
    expect(brief(done.messages.slice().sort((x, y) => x.seq - y.seq))).toEqual(expected);
    expect(
      done.messages.every(
        (m) =>
          m.session_id === 'conv-9' && m.start_time === s.startTimeUs && m.model === 'gpt-4o-mini-2024-07-18',
      ),
    ).toBe(true);
    // idempotent: completing again changes nothing
    expect(completeAcrossBatches(done.spans, done.messages)).toEqual(done);
  });

  it('orders several choices by index and keeps an empty body as a message without content', () => {
    const s = span({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
    });
    const logs = [
      log(s, { eventName: 'gen_ai.user.message', body: {} }),
      log(s, {
        eventName: 'gen_ai.choice',
        body: { index: 1, finish_reason: 'stop', message: { content: 'B' } },
      }),
      log(s, {
        eventName: 'gen_ai.choice',
        body: { index: 0, finish_reason: 'stop', message: { content: 'A' } },
      }),
    ];
    expect(brief(run([s], logs).messages)).toEqual([
      { seq: 0, direction: 'input', role: 'user', content: null },
      { seq: 1, direction: 'output', role: 'assistant', content: 'A' },
      { seq: 2, direction: 'output', role: 'assistant', content: 'B' },
    ]);
  });

  it('ignores ordinary application logs and reports GenAI events that name no span', () => {
    const s = span({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
    });
    const out = run(
      [s],
      [
        log(s, { body: 'user logged in' }),
        log(s, { eventName: 'gen_ai.user.message', body: { content: 'x' }, traceId: '', spanId: '' }),
      ],
    );
    expect(out.messages).toEqual([]);
    expect(out.problems.map((p) => p.code)).toEqual(['log_without_span']);
  });
});

describe('OTel >= 1.37: gen_ai.client.inference.operation.details', () => {
  it('combines the start and end log events of a Responses API call', () => {
    const s = span({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.system_instructions': 'Be brief.',
    });
    const logs = [
      log(s, {
        eventName: 'gen_ai.client.inference.operation.details',
        attributes: { 'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }] },
      }),
      log(s, {
        timeUs: s.startTimeUs + 500,
        eventName: 'gen_ai.client.inference.operation.details',
        attributes: {
          'gen_ai.output.messages': [
            {
              role: 'assistant',
              parts: [
                { type: 'reasoning', text: 'think' },
                { type: 'text', content: 'Hello' },
              ],
              finish_reason: 'stop',
            },
          ],
        },
      }),
    ];
    const out = run([s], logs);
    expect(out.spans[0]?.convention).toBe('otel-genai');
    // the span's system instructions (set even with capture off) come first, then the logged history
    expect(brief(out.messages)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'Be brief.' },
      { seq: 1, direction: 'input', role: 'user', content: 'Hi' },
      { seq: 2, direction: 'output', role: 'assistant', content: 'Hello' },
    ]);
    expect(out.messages.map((m) => m.source)).toEqual(['span_attribute', 'log', 'log']);
    const withoutSystem = run(
      [{ ...s, attributes: { ...s.attributes, 'gen_ai.system_instructions': undefined as never } }],
      logs,
    );
    expect(brief(withoutSystem.messages)).toEqual([
      { seq: 0, direction: 'input', role: 'user', content: 'Hi' },
      { seq: 1, direction: 'output', role: 'assistant', content: 'Hello' },
    ]);
    expect(parts(withoutSystem.messages[1])).toEqual([
      { type: 'reasoning', content: 'think' },
      { type: 'text', content: 'Hello' },
    ]);
  });

  it('does not repeat the system message when the logged history has it too, nor logs a span already carries', () => {
    const s = span({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.system_instructions': 'Be brief.',
    });
    const details = (attributes: Record<string, unknown>) =>
      log(s, { eventName: 'gen_ai.client.inference.operation.details', attributes: attributes as never });
    const history = [
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ];
    const out = run([s], [details({ 'gen_ai.input.messages': history })]);
    expect(brief(out.messages).map((m) => m.role)).toEqual(['system', 'user']);
    const full = span(
      { ...s.attributes, 'gen_ai.input.messages': JSON.stringify(history) },
      { spanId: s.spanId },
    );
    const both = run(
      [full],
      [
        details({ 'gen_ai.input.messages': history }),
        details({
          'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'Yo' }] }],
        }),
      ],
    );
    expect(both.messages.map((m) => [m.role, m.source])).toEqual([
      ['system', 'span_attribute'],
      ['user', 'span_attribute'],
      ['assistant', 'log'],
    ]);
  });

  it('reads operation.details as a span event', () => {
    const { messages } = one(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4',
      },
      {
        events: [
          event('gen_ai.client.inference.operation.details', {
            'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Q"}]}]',
            'gen_ai.output.messages':
              '[{"role":"assistant","parts":[{"type":"text","content":"A"}],"finish_reason":"stop"}]',
          }),
        ],
      },
    );
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'user', content: 'Q' },
      { seq: 1, direction: 'output', role: 'assistant', content: 'A' },
    ]);
    expect(messages.every((m) => m.source === 'span_event')).toBe(true);
  });
});
