import { describe, expect, it } from 'vitest';
import {
  parseAttributes,
  prettyJson,
  readableAttributes,
  requestParameters,
  toolDefinitions,
} from '../../src/lib/call-raw.ts';

const WEATHER = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};

describe('request parameters', () => {
  it('lists OTel GenAI, Vercel AI SDK and OpenInference parameters by name, the model left out', () => {
    expect(
      requestParameters({
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 512,
        'gen_ai.request.stop_sequences': ['END'],
        'ai.settings.maxRetries': 2,
        'llm.invocation_parameters': '{"top_p":0.9}',
        'llm.request.functions.0.name': 'f',
        'gen_ai.usage.input_tokens': 10,
      }),
    ).toEqual([
      ['maxRetries', '2'],
      ['max_tokens', '512'],
      ['stop_sequences', '["END"]'],
      ['temperature', '0.2'],
      ['top_p', '0.9'],
    ]);
  });
});

describe('tool definitions', () => {
  it('reads the tools of each convention, with their names and descriptions', () => {
    const tools = toolDefinitions({
      'gen_ai.tool.definitions': JSON.stringify([WEATHER]),
      'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'search', inputSchema: {} })],
      'llm.tools.1.tool.json_schema': JSON.stringify({ type: 'function', function: { name: 'second' } }),
      'llm.tools.0.tool.json_schema': JSON.stringify({
        type: 'function',
        function: { name: 'first', description: 'Chat Completions shape' },
      }),
      'llm.request.functions.0.name': 'legacy',
      'llm.request.functions.0.parameters': '{"type":"object"}',
    });
    expect(tools.map((t) => [t.name, t.description])).toEqual([
      ['get_weather', 'Weather of a city'],
      ['search', null],
      ['first', 'Chat Completions shape'],
      ['second', null],
      ['legacy', null],
    ]);
    expect(JSON.parse(tools[0]?.json ?? '')).toEqual(WEATHER);
    expect(JSON.parse(tools[4]?.json ?? '')).toMatchObject({ parameters: { type: 'object' } });
  });

  it('skips what is not a tool, and a definitions attribute that is not JSON', () => {
    expect(toolDefinitions({ 'gen_ai.tool.definitions': 'not json', 'ai.prompt.tools': [42, 'x'] })).toEqual(
      [],
    );
  });
});

describe('raw JSON', () => {
  it('indents JSON and leaves other text as it is', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('{cut')).toBe('{cut');
    expect(parseAttributes('[1]')).toEqual({});
    expect(parseAttributes('{"k":"<img src=x>"}')).toEqual({ k: '<img src=x>' });
  });
});

describe('readable attributes', () => {
  it('decodes values that are JSON objects or arrays, in place and as array items, and leaves other strings as sent', () => {
    const messages = [{ role: 'user', parts: [{ type: 'text', content: 'Where is order 42?' }] }];
    const sent = {
      'gen_ai.input.messages': JSON.stringify(messages),
      'llm.invocation_parameters': ' {"top_p":0.9}',
      'ai.prompt.tools': [JSON.stringify({ name: 'search' }), 'plain'],
      'app.count': '42',
      'app.flag': 'true',
      'app.quoted': '"text"',
      'app.cut': '[1, 2',
      'app.html': '<img src=x>',
      'gen_ai.request.temperature': 0.2,
    };
    expect(JSON.parse(readableAttributes(JSON.stringify(sent)) ?? '')).toEqual({
      ...sent,
      'gen_ai.input.messages': messages,
      'llm.invocation_parameters': { top_p: 0.9 },
      'ai.prompt.tools': [{ name: 'search' }, 'plain'],
    });
    expect(readableAttributes(JSON.stringify(sent))).toContain('\n      "role": "user",\n');
  });

  it('is null when no value is JSON text, or the attributes are not an object', () => {
    expect(readableAttributes('{"a":"1","b":[2,"x"],"c":{"d":"[]x"}}')).toBeNull();
    expect(readableAttributes('{cut')).toBeNull();
    expect(readableAttributes('["[1]"]')).toBeNull();
  });
});
