import { describe, expect, it } from 'vitest';
import { brief, one, parts } from './helpers.ts';

const input = [
  { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
  {
    role: 'assistant',
    parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
  },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 57°F' }] },
];
const output = [
  { role: 'assistant', parts: [{ type: 'text', content: 'It is rainy.' }], finish_reason: 'stop' },
];

const base = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.conversation.id': 'conv_1',
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 180,
  'gen_ai.usage.cache_read.input_tokens': 50,
  'gen_ai.usage.cache_creation.input_tokens': 25,
  'gen_ai.usage.reasoning.output_tokens': 40,
  'gen_ai.response.finish_reasons': ['stop'],
};

describe('current OTel GenAI (>= 1.37)', () => {
  it('reads identity, usage and session from gen_ai.* attributes', () => {
    const { row } = one({
      ...base,
      'gen_ai.input.messages': JSON.stringify(input),
      'gen_ai.output.messages': JSON.stringify(output),
    });
    expect(row).toMatchObject({
      convention: 'otel-genai',
      operation: 'chat',
      provider: 'openai',
      request_model: 'gpt-4o',
      response_model: 'gpt-4o-2024-08-06',
      model: 'gpt-4o-2024-08-06',
      session_id: 'conv_1',
      session_source: 'gen_ai.conversation.id',
      input_tokens: 100,
      output_tokens: 180,
      cached_input_tokens: 50,
      cache_creation_input_tokens: 25,
      reasoning_tokens: 40,
      is_llm_call: true,
      finish_reasons: ['stop'],
      problems: null,
    });
  });

  it('builds messages from JSON-string messages, inputs then outputs', () => {
    const { messages } = one({
      ...base,
      'gen_ai.input.messages': JSON.stringify(input),
      'gen_ai.output.messages': JSON.stringify(output),
    });
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'user', content: 'Weather in Paris?' },
      { seq: 1, direction: 'input', role: 'assistant', content: null },
      { seq: 2, direction: 'input', role: 'tool', content: 'rainy, 57°F', tool_call_id: 'call_1' },
      { seq: 3, direction: 'output', role: 'assistant', content: 'It is rainy.' },
    ]);
    expect(parts(messages[1])).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    expect(messages[1]?.tool_name).toBe('get_weather');
    expect(messages[3]?.finish_reason).toBe('stop');
    expect(
      messages.every(
        (m) => m.source === 'span_attribute' && m.session_id === 'conv_1' && m.model === 'gpt-4o-2024-08-06',
      ),
    ).toBe(true);
  });

  it('reads structured (kvlist) message values the same as JSON strings', () => {
    const a = one({
      ...base,
      'gen_ai.input.messages': JSON.stringify(input),
      'gen_ai.output.messages': JSON.stringify(output),
    });
    const b = one({ ...base, 'gen_ai.input.messages': input, 'gen_ai.output.messages': output });
    expect(b.messages.map((m) => m.content_hash)).toEqual(a.messages.map((m) => m.content_hash));
    expect(brief(b.messages)).toEqual(brief(a.messages));
  });

  it('puts gen_ai.system_instructions first as a system message (array of parts or bare string)', () => {
    const parted = one({
      ...base,
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
      'gen_ai.input.messages': JSON.stringify(input.slice(0, 1)),
    });
    expect(brief(parted.messages).slice(0, 2)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'Be brief.' },
      { seq: 1, direction: 'input', role: 'user', content: 'Weather in Paris?' },
    ]);
    // OTel JS Responses API sends the raw `instructions` string, even with capture off
    const bare = one({ ...base, 'gen_ai.system_instructions': 'Be brief.' });
    expect(brief(bare.messages)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'Be brief.' },
    ]);
    expect(bare.problems).toEqual([]);
  });

  it('maps developer to system, keeps unknown roles and part types, accepts `result` for tool responses', () => {
    const { messages } = one({
      ...base,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'developer', parts: [{ type: 'text', content: 'Rules' }] },
        { role: 'critic', parts: [{ type: 'compaction', summary: 'earlier turns' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c9', result: { temp: 14 } }] },
      ]),
    });
    expect(messages.map((m) => m.role)).toEqual(['system', 'critic', 'tool']);
    expect(parts(messages[1])).toEqual([{ type: 'compaction', summary: 'earlier turns' }]);
    expect(parts(messages[2])).toEqual([{ type: 'tool_call_response', id: 'c9', response: { temp: 14 } }]);
    expect(messages[2]?.content).toBe('{"temp":14}');
  });

  it('keeps images by reference, not inline megabytes', () => {
    const big = 'A'.repeat(50_000);
    const { messages } = one({
      ...base,
      'gen_ai.input.messages': JSON.stringify([
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'What is this?' },
            { type: 'blob', modality: 'image', mime_type: 'image/png', content: big },
            { type: 'uri', modality: 'image', uri: 'https://x/y.png' },
          ],
        },
      ]),
    });
    expect(parts(messages[0])).toEqual([
      { type: 'text', content: 'What is this?' },
      { type: 'blob', modality: 'image', mime_type: 'image/png', content_length: 50_000 },
      { type: 'uri', modality: 'image', uri: 'https://x/y.png' },
    ]);
  });

  it('accepts the deprecated gen_ai.system and normalizes provider spellings', () => {
    expect(
      one({
        ...base,
        'gen_ai.provider.name': undefined as never,
        'gen_ai.system': 'az.ai.openai',
        'gen_ai.input.messages': '[]',
      }).row.provider,
    ).toBe('azure.ai.openai');
    expect(one({ ...base, 'gen_ai.provider.name': 'gcp.vertex_ai' }).row.provider).toBe('gcp.vertex_ai');
  });

  it('never counts invoke_agent, execute_tool or embeddings as model calls', () => {
    expect(one({ ...base, 'gen_ai.operation.name': 'invoke_agent' }).row.is_llm_call).toBe(false);
    expect(one({ ...base, 'gen_ai.operation.name': 'agent_step' }).row.is_llm_call).toBe(false);
    expect(
      one({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' }).row.is_llm_call,
    ).toBe(false);
    const emb = one({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': 8,
    });
    expect(emb.row).toMatchObject({ is_llm_call: false, operation: 'embeddings', input_tokens: 8 });
    expect(one({ ...base, 'gen_ai.operation.name': 'text_completion' }).row.is_llm_call).toBe(true);
    expect(one({ ...base, 'gen_ai.operation.name': 'generate_content' }).row.is_llm_call).toBe(true);
  });

  it('leaves usage NULL when it is not sent (a stream without include_usage), never 0', () => {
    const { row } = one({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.provider.name': 'openai',
    });
    expect([row.input_tokens, row.output_tokens, row.cached_input_tokens, row.reasoning_tokens]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('reads Pydantic AI operation.cost as a reported cost', () => {
    const { row } = one({ ...base, 'operation.cost': 0.0123 });
    expect(row).toMatchObject({ total_cost_usd: 0.0123, cost_source: 'reported', input_cost_usd: null });
  });

  it('maps span status and error.type', () => {
    const { row } = one(
      { ...base, 'error.type': 'RateLimitError' },
      { status: { code: 2, message: '429 Too Many Requests' } },
    );
    expect(row).toMatchObject({
      status_code: 'ERROR',
      status_message: '429 Too Many Requests',
      error_type: 'RateLimitError',
    });
  });

  it('keeps raw attributes, resource and events as lossless JSON', () => {
    const { row } = one({
      ...base,
      'custom.big': '9007199254740993',
      'custom.nan': Number.NaN,
      'custom.list': [1, 'a', true],
    });
    const attrs = JSON.parse(row.attributes) as Record<string, unknown>;
    expect(attrs['custom.big']).toBe('9007199254740993');
    expect(attrs['custom.nan']).toBe('NaN');
    expect(attrs['custom.list']).toEqual([1, 'a', true]);
    expect(JSON.parse(row.resource_attributes)).toEqual({ 'service.name': 'test-app' });
    expect(row.service_name).toBe('test-app');
  });
});
