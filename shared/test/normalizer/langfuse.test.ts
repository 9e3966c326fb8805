import { describe, expect, it } from 'vitest';
import { brief, one, parts } from './helpers.ts';

const generation = {
  'user.id': 'user-capture',
  'session.id': 'conv-lf',
  'langfuse.observation.type': 'generation',
  'langfuse.observation.input': JSON.stringify({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather?' },
    ],
  }),
  'langfuse.observation.model.name': 'gpt-4.1-2025-04-14',
  'langfuse.observation.output': JSON.stringify({
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ],
  }),
  'langfuse.observation.usage_details': JSON.stringify({
    input: 26,
    output: 34,
    total: 188,
    input_cached_tokens: 128,
  }),
};

describe('Langfuse', () => {
  it('reads generation observations; usage_details input excludes cached tokens', () => {
    const { row, messages } = one(generation, {
      name: 'OpenAI.chat',
      kind: 1,
      scope: { name: 'langfuse-sdk', version: '5.11.1' },
    });
    expect(row).toMatchObject({
      convention: 'langfuse',
      operation: 'chat',
      is_llm_call: true,
      model: 'gpt-4.1-2025-04-14',
      session_id: 'conv-lf',
      user_id: 'user-capture',
      input_tokens: 26 + 128,
      cached_input_tokens: 128,
      output_tokens: 34,
    });
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'Be brief.' },
      { seq: 1, direction: 'input', role: 'user', content: 'Weather?' },
      { seq: 2, direction: 'output', role: 'assistant', content: null },
    ]);
    expect(parts(messages[2])).toEqual([
      { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
  });

  it('reads a plain-text output (streamed) and langfuse.session.id', () => {
    const { row, messages } = one({
      ...generation,
      'session.id': undefined as never,
      'langfuse.session.id': 'old-style',
      'langfuse.observation.output': 'Hello there',
    });
    expect(row.session_source).toBe('langfuse.session.id');
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Hello there', direction: 'output' });
  });

  it('model.name is the response model once there is a response, else only the request', () => {
    const failed: Record<string, unknown> = {
      ...generation,
      'langfuse.observation.model.name': 'gpt-4o-mini',
      'langfuse.observation.level': 'ERROR',
    };
    delete failed['langfuse.observation.output'];
    delete failed['langfuse.observation.usage_details'];
    expect(one(failed as never).row).toMatchObject({
      request_model: 'gpt-4o-mini',
      response_model: null,
      model: 'gpt-4o-mini',
    });
    expect(one(generation).row).toMatchObject({
      request_model: 'gpt-4.1-2025-04-14',
      response_model: 'gpt-4.1-2025-04-14',
    });
  });

  it('maps level=ERROR to status ERROR with the status message', () => {
    const { row } = one({
      ...generation,
      'langfuse.observation.level': 'ERROR',
      'langfuse.observation.status_message': '500 upstream failed',
    });
    expect(row).toMatchObject({ status_code: 'ERROR', status_message: '500 upstream failed' });
  });

  it('uses cost_details as the reported cost', () => {
    const { row } = one({
      ...generation,
      'langfuse.observation.cost_details': '{"input":0.001,"output":0.0002,"total":0.0012}',
    });
    expect(row).toMatchObject({
      cost_source: 'reported',
      input_cost_usd: 0.001,
      output_cost_usd: 0.0002,
      total_cost_usd: 0.0012,
    });
  });

  it('does not count span/agent/tool observations', () => {
    for (const type of ['span', 'agent', 'tool', 'event', 'chain']) {
      expect(one({ ...generation, 'langfuse.observation.type': type }).row.is_llm_call).toBe(false);
    }
  });
});
