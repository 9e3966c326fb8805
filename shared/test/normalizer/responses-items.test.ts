/**
 * OpenAI Responses API calls as Langfuse's observeOpenAI records them (`input` as passed, the
 * output text, or else the output items: a list, or a lone item by itself): function calls,
 * their outputs and reasoning items are the conversation's tool calls, results and thinking.
 */
import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../src/rows.ts';
import { run, span } from './helpers.ts';

const WEATHER_CALL = {
  type: 'function_call',
  id: 'fc_1',
  call_id: 'call_1',
  name: 'get_weather',
  arguments: '{"city":"Paris"}',
  status: 'completed',
};

function generation(input: unknown, output: unknown) {
  return span({
    'langfuse.observation.type': 'generation',
    'langfuse.observation.model.name': 'gpt-4.1',
    'langfuse.observation.input': JSON.stringify(input),
    'langfuse.observation.output': JSON.stringify(output),
  });
}

function shown(messages: MessageRow[]) {
  return messages.map((m) => ({
    direction: m.direction,
    role: m.role,
    content: m.content,
    parts: m.parts === null ? null : (JSON.parse(m.parts) as unknown),
    tool_call_id: m.tool_call_id,
    tool_name: m.tool_name,
  }));
}

describe('OpenAI Responses items (Langfuse)', () => {
  it('reads a lone function call item as the answer, with no problem recorded', () => {
    const out = run([generation('Weather in Paris?', WEATHER_CALL)]);
    expect(out.spans[0]?.problems).toBeNull();
    expect(shown(out.messages).at(-1)).toEqual({
      direction: 'output',
      role: 'assistant',
      content: null,
      parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      tool_call_id: null,
      tool_name: 'get_weather',
    });
  });

  it('reads function calls, their outputs and reasoning items in an item list', () => {
    const input = [
      { role: 'user', content: 'Weather in Paris?' },
      WEATHER_CALL,
      { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
    ];
    const output = [
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Check the time too.' }] },
      { type: 'function_call', call_id: 'call_2', name: 'get_time', arguments: '{}' },
    ];
    const out = run([generation(input, output)]);
    expect(shown(out.messages)).toEqual([
      {
        direction: 'input',
        role: 'user',
        content: 'Weather in Paris?',
        parts: [{ type: 'text', content: 'Weather in Paris?' }],
        tool_call_id: null,
        tool_name: null,
      },
      {
        direction: 'input',
        role: 'assistant',
        content: null,
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
        tool_call_id: null,
        tool_name: 'get_weather',
      },
      {
        direction: 'input',
        role: 'tool',
        content: 'sunny',
        parts: [{ type: 'tool_call_response', id: 'call_1', response: 'sunny' }],
        tool_call_id: 'call_1',
        tool_name: null,
      },
      {
        direction: 'output',
        role: 'assistant',
        content: null,
        parts: [{ type: 'reasoning', content: 'Check the time too.' }],
        tool_call_id: null,
        tool_name: null,
      },
      {
        direction: 'output',
        role: 'assistant',
        content: null,
        parts: [{ type: 'tool_call', id: 'call_2', name: 'get_time', arguments: {} }],
        tool_call_id: null,
        tool_name: 'get_time',
      },
    ]);
  });

  it('keeps a built-in tool call item (web search) as sent, as the model’s', () => {
    const search = { type: 'web_search_call', id: 'ws_1', status: 'completed' };
    const out = run([
      generation('Latest news?', [search, { type: 'message', role: 'assistant', content: [] }]),
    ]);
    expect(shown(out.messages)[1]).toMatchObject({ role: 'assistant', parts: [search] });
  });
});
