import { describe, expect, it } from 'vitest';
import { brief, one, parts } from './helpers.ts';

describe('OpenLLMetry / Traceloop', () => {
  const indexed = {
    'llm.request.type': 'chat',
    'gen_ai.system': 'OpenAI',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.usage.prompt_tokens': 120,
    'gen_ai.usage.completion_tokens': 30,
    'gen_ai.usage.cache_read_input_tokens': 64,
    'llm.usage.total_tokens': 150,
    'llm.usage.reasoning_tokens': 5,
    'traceloop.association.properties.session_id': 'conv-123',
    'traceloop.association.properties.user_id': 'u-7',
    'gen_ai.prompt.0.role': 'system',
    'gen_ai.prompt.0.content': 'You are helpful.',
    'gen_ai.prompt.1.role': 'user',
    'gen_ai.prompt.1.content': JSON.stringify([{ type: 'text', text: 'Weather?' }]),
    'gen_ai.prompt.2.role': 'assistant',
    'gen_ai.prompt.2.tool_calls.0.id': 'call_1',
    'gen_ai.prompt.2.tool_calls.0.name': 'get_weather',
    'gen_ai.prompt.2.tool_calls.0.arguments': '{"city":"Paris"}',
    'gen_ai.prompt.3.role': 'tool',
    'gen_ai.prompt.3.tool_call_id': 'call_1',
    'gen_ai.prompt.3.content': 'sunny',
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': 'It is sunny.',
    'gen_ai.completion.0.finish_reason': 'stop',
  };

  it('reads the indexed form, old usage names and association properties', () => {
    const { row, messages } = one(indexed);
    expect(row).toMatchObject({
      convention: 'openllmetry',
      operation: 'chat',
      is_llm_call: true,
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      session_id: 'conv-123',
      session_source: 'traceloop.association.properties.session_id',
      user_id: 'u-7',
      input_tokens: 120,
      output_tokens: 30,
      cached_input_tokens: 64,
      reasoning_tokens: 5,
    });
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'You are helpful.' },
      { seq: 1, direction: 'input', role: 'user', content: 'Weather?' },
      { seq: 2, direction: 'input', role: 'assistant', content: null },
      { seq: 3, direction: 'input', role: 'tool', content: 'sunny', tool_call_id: 'call_1' },
      { seq: 4, direction: 'output', role: 'assistant', content: 'It is sunny.' },
    ]);
    expect(parts(messages[2])).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    expect(messages[4]?.finish_reason).toBe('stop');
  });

  it('regroups indexes numerically (10 after 9) and tolerates gaps', () => {
    const attrs: Record<string, string> = { 'llm.request.type': 'chat', 'gen_ai.request.model': 'gpt-4o' };
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]) {
      attrs[`gen_ai.prompt.${i}.role`] = 'user';
      attrs[`gen_ai.prompt.${i}.content`] = `m${i}`;
    }
    expect(one(attrs).messages.map((m) => m.content)).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
      'm9',
      'm10',
      'm12',
    ]);
  });

  it('reads the newer JSON-string form next to traceloop attributes', () => {
    const { row, messages } = one({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'traceloop.association.properties.session_id': 's-1',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'developer', parts: [{ type: 'text', content: 'rules' }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'ok' }], finish_reason: 'stop' },
      ]),
    });
    expect(row).toMatchObject({
      convention: 'openllmetry',
      is_llm_call: true,
      cached_input_tokens: 4,
      session_id: 's-1',
    });
    expect(brief(messages).map((m) => [m.role, m.content])).toEqual([
      ['system', 'rules'],
      ['assistant', 'ok'],
    ]);
  });

  it('never counts decorator spans (workflow/task/agent/tool) or embeddings', () => {
    for (const kind of ['workflow', 'task', 'agent', 'tool']) {
      expect(
        one({ 'traceloop.span.kind': kind, 'traceloop.entity.name': 'x', 'gen_ai.request.model': 'gpt-4o' })
          .row.is_llm_call,
      ).toBe(false);
    }
    expect(one({ 'traceloop.span.kind': 'agent' }).row.operation).toBe('invoke_agent');
    expect(
      one({ 'llm.request.type': 'embedding', 'gen_ai.request.model': 'text-embedding-3-small' }).row,
    ).toMatchObject({ operation: 'embeddings', is_llm_call: false });
  });

  it('recognizes OpenLLMetry JS by its scope when a span has no traceloop.* attribute', () => {
    const { row } = one(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
      },
      { scope: { name: '@traceloop/instrumentation-openai', version: '0.27.0' } },
    );
    expect(row).toMatchObject({ convention: 'openllmetry', is_llm_call: true });
  });

  it('reads the Traceloop JS copy of Vercel metadata (sessionId key)', () => {
    expect(
      one({ 'llm.request.type': 'chat', 'traceloop.association.properties.sessionId': 'v-1' }).row.session_id,
    ).toBe('v-1');
  });
});
