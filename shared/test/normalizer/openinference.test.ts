import { describe, expect, it } from 'vitest';
import { brief, one, parts } from './helpers.ts';

describe('OpenInference', () => {
  const llm = {
    'openinference.span.kind': 'LLM',
    'llm.system': 'openai',
    'llm.model_name': 'gpt-4.1-2025-04-14',
    'session.id': 'conv-oi',
    'user.id': 'user-1',
    'llm.token_count.prompt': 154,
    'llm.token_count.completion': 34,
    'llm.token_count.total': 188,
    'llm.token_count.prompt_details.cache_read': 128,
    'llm.token_count.prompt_details.cache_write': 3,
    'llm.token_count.completion_details.reasoning': 2,
    'llm.finish_reason': 'tool_calls',
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': 'Be brief.',
    'llm.input_messages.1.message.role': 'user',
    'llm.input_messages.1.message.contents.0.message_content.type': 'text',
    'llm.input_messages.1.message.contents.0.message_content.text': 'What is in this image?',
    'llm.input_messages.1.message.contents.1.message_content.type': 'image',
    'llm.input_messages.1.message.contents.1.message_content.image.image.url': 'https://example.com/cat.png',
    'llm.input_messages.2.message.role': 'tool',
    'llm.input_messages.2.message.tool_call_id': 'call_0',
    'llm.input_messages.2.message.content': 'earlier result',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_62136355',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
  };

  it('reads flattened messages, token counts and session.id', () => {
    const { row, messages } = one(llm, { name: 'OpenAI Chat Completions', kind: 1 });
    expect(row).toMatchObject({
      convention: 'openinference',
      operation: 'chat',
      is_llm_call: true,
      provider: 'openai',
      request_model: 'gpt-4.1-2025-04-14',
      model: 'gpt-4.1-2025-04-14',
      session_id: 'conv-oi',
      session_source: 'session.id',
      user_id: 'user-1',
      input_tokens: 154,
      output_tokens: 34,
      cached_input_tokens: 128,
      cache_creation_input_tokens: 3,
      reasoning_tokens: 2,
      finish_reasons: ['tool_calls'],
    });
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'Be brief.' },
      { seq: 1, direction: 'input', role: 'user', content: 'What is in this image?' },
      { seq: 2, direction: 'input', role: 'tool', content: 'earlier result', tool_call_id: 'call_0' },
      { seq: 3, direction: 'output', role: 'assistant', content: null },
    ]);
    expect(parts(messages[1])).toEqual([
      { type: 'text', content: 'What is in this image?' },
      { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' },
    ]);
    expect(parts(messages[3])).toEqual([
      { type: 'tool_call', id: 'call_62136355', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
  });

  it('falls back to input.value / output.value when the messages are not flattened', () => {
    const { messages } = one({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'input.value': JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      'input.mime_type': 'application/json',
      'output.value': JSON.stringify({
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello' } }],
      }),
      'output.mime_type': 'application/json',
    });
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'user', content: 'Hi' },
      { seq: 1, direction: 'output', role: 'assistant', content: 'Hello' },
    ]);
    expect(messages[1]?.finish_reason).toBe('stop');
    const text = one({
      'openinference.span.kind': 'LLM',
      'input.value': 'Tell me a joke',
      'output.value': 'No.',
    });
    expect(brief(text.messages).map((m) => [m.role, m.content])).toEqual([
      ['user', 'Tell me a joke'],
      ['assistant', 'No.'],
    ]);
  });

  it('uses the reported llm.cost.* over the price table', () => {
    const { row } = one({
      ...llm,
      'llm.cost.prompt': 0.004,
      'llm.cost.completion': 0.0026,
      'llm.cost.total': 0.0066,
    });
    expect(row).toMatchObject({
      cost_source: 'reported',
      input_cost_usd: 0.004,
      output_cost_usd: 0.0026,
      total_cost_usd: 0.0066,
    });
  });

  it('maps span kinds to operations; only LLM is a model call', () => {
    const cases: Array<[string, string, boolean]> = [
      ['LLM', 'chat', true],
      ['EMBEDDING', 'embeddings', false],
      ['TOOL', 'execute_tool', false],
      ['AGENT', 'invoke_agent', false],
      ['CHAIN', 'chain', false],
      ['RETRIEVER', 'retrieval', false],
    ];
    for (const [kind, op, llmCall] of cases) {
      expect(one({ 'openinference.span.kind': kind, 'llm.model_name': 'm' }).row).toMatchObject({
        operation: op,
        is_llm_call: llmCall,
        convention: 'openinference',
      });
    }
  });

  it('normalizes OpenInference provider spellings', () => {
    expect(one({ ...llm, 'llm.system': 'vertexai' }).row.provider).toBe('gcp.vertex_ai');
    expect(one({ ...llm, 'llm.provider': 'azure' }).row.provider).toBe('azure.ai.openai');
    expect(one({ ...llm, 'llm.system': 'mistralai' }).row.provider).toBe('mistral_ai');
  });
});
