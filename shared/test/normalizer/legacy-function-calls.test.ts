/**
 * OpenAI's function calling from before tools (`functions` / `function_call`, role `function`), as
 * each convention records it: the call is a tool_call part (named, without an id) and the result
 * names the function that answered.
 */
import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../src/rows.ts';
import { one, parts } from './helpers.ts';

const CALL = { type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } };

function shown(messages: MessageRow[]) {
  return messages.map((m) => ({ role: m.role, content: m.content, tool_name: m.tool_name, parts: parts(m) }));
}

describe('legacy function calls', () => {
  it('OpenLLMetry: reads function_call.name and .arguments of a prompt and of a completion', () => {
    const { messages } = one({
      'llm.request.type': 'chat',
      'gen_ai.system': 'OpenAI',
      'gen_ai.request.model': 'gpt-4',
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': 'Weather in Paris?',
      'gen_ai.prompt.1.role': 'assistant',
      'gen_ai.prompt.1.function_call.name': 'get_weather',
      'gen_ai.prompt.1.function_call.arguments': '{"city":"Paris"}',
      'gen_ai.prompt.2.role': 'function',
      'gen_ai.prompt.2.content': 'sunny',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.function_call.name': 'get_weather',
      'gen_ai.completion.0.function_call.arguments': '{"city":"Paris"}',
      'gen_ai.completion.0.finish_reason': 'function_call',
    });
    expect(shown(messages)).toEqual([
      {
        role: 'user',
        content: 'Weather in Paris?',
        tool_name: null,
        parts: [{ type: 'text', content: 'Weather in Paris?' }],
      },
      { role: 'assistant', content: null, tool_name: 'get_weather', parts: [CALL] },
      { role: 'function', content: 'sunny', tool_name: null, parts: [{ type: 'text', content: 'sunny' }] },
      { role: 'assistant', content: null, tool_name: 'get_weather', parts: [CALL] },
    ]);
  });

  it('OpenInference: reads message.function_call_name and _arguments_json', () => {
    const { messages } = one({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Weather in Paris?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.function_call_name': 'get_weather',
      'llm.output_messages.0.message.function_call_arguments_json': '{"city":"Paris"}',
    });
    expect(shown(messages).at(-1)).toEqual({
      role: 'assistant',
      content: null,
      tool_name: 'get_weather',
      parts: [CALL],
    });
  });

  it('messages recorded as sent (Langfuse): reads function_call, and names a function result by its name', () => {
    const { messages } = one({
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'gpt-4',
      'langfuse.observation.input': JSON.stringify({
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          { role: 'function', name: 'get_weather', content: 'sunny' },
        ],
      }),
      'langfuse.observation.output': JSON.stringify({ role: 'assistant', content: 'It is sunny.' }),
    });
    expect(shown(messages).slice(1, 3)).toEqual([
      { role: 'assistant', content: null, tool_name: 'get_weather', parts: [CALL] },
      {
        role: 'function',
        content: 'sunny',
        tool_name: 'get_weather',
        parts: [{ type: 'text', content: 'sunny' }],
      },
    ]);
  });
});
