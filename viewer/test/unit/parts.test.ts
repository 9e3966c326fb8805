import { describe, expect, it } from 'vitest';
import {
  callNames,
  inlineBytes,
  partViews,
  partsRepeatContent,
  toolLabel,
  withCallNames,
} from '../../src/lib/parts.ts';

describe('partViews', () => {
  it('reads OTel tool calls and tool results', () => {
    const parts = JSON.stringify([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { type: 'tool_call_response', id: 'call_1', response: '{"temp":21}' },
    ]);
    expect(partViews(parts, null)).toEqual([
      { kind: 'tool-call', name: 'get_weather', id: 'call_1', args: '{\n  "city": "Paris"\n}' },
      { kind: 'tool-result', id: 'call_1', name: null, result: '{\n  "temp": 21\n}' },
    ]);
  });

  it('reads OpenAI-style function calls and Vercel tool-call parts', () => {
    const openai = JSON.stringify([
      { id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
    ]);
    expect(partViews(openai, null)[0]).toMatchObject({
      kind: 'tool-call',
      name: 'f',
      args: '{\n  "a": 1\n}',
    });
    const vercel = JSON.stringify([{ type: 'tool-call', toolCallId: 't', toolName: 'g', input: { b: 2 } }]);
    expect(partViews(vercel, null)[0]).toMatchObject({ kind: 'tool-call', name: 'g', id: 't' });
  });

  it('shows arguments sent as null as null, and {} only when a call has no arguments field', () => {
    const parts = JSON.stringify([
      { type: 'tool_call', id: 'a', name: 'f', arguments: null },
      { type: 'function', function: { name: 'g', arguments: null } },
      { type: 'tool_call', id: 'c', name: 'h' },
    ]);
    expect(partViews(parts, null).map((v) => (v.kind === 'tool-call' ? v.args : v.kind))).toEqual([
      'null',
      'null',
      '{}',
    ]);
  });

  it('drops text parts that repeat the content and keeps unknown parts as JSON', () => {
    const parts = JSON.stringify([
      { type: 'text', content: 'hi' },
      { type: 'citation', uri: 'x' },
    ]);
    expect(partViews(parts, 'hi')).toEqual([
      { kind: 'other', type: 'citation', json: '{\n  "type": "citation",\n  "uri": "x"\n}' },
    ]);
  });

  it('drops the text parts whose lines make up the content, and keeps one that differs', () => {
    const parts = JSON.stringify([
      { type: 'text', content: 'First paragraph.' },
      { type: 'tool_call', id: 'c', name: 'f', arguments: {} },
      { type: 'text', content: 'Second paragraph.' },
    ]);
    expect(partViews(parts, 'First paragraph.\nSecond paragraph.').map((v) => v.kind)).toEqual(['tool-call']);
    // Content that is not those parts joined (as stored by an older writer) keeps the parts apart.
    expect(partViews(parts, 'First paragraph.').map((v) => v.kind)).toEqual(['tool-call', 'text']);
    expect(partViews(parts, null).map((v) => v.kind)).toEqual(['text', 'tool-call', 'text']);
  });

  it('reads reasoning (or thinking) and refusal parts as their text', () => {
    const parts = JSON.stringify([
      { type: 'reasoning', content: 'The user wants a cat.' },
      { type: 'thinking', thinking: 'Anthropic wording.' },
      { type: 'reasoning' },
      { type: 'refusal', content: "I can't help with that." },
    ]);
    expect(partViews(parts, null)).toEqual([
      { kind: 'reasoning', text: 'The user wants a cat.' },
      { kind: 'reasoning', text: 'Anthropic wording.' },
      { kind: 'reasoning', text: null },
      { kind: 'refusal', text: "I can't help with that." },
    ]);
  });

  it('reads images, audio and files as references, counting inline data without keeping it', () => {
    const base64 = 'JVBERi0xLjQK';
    const parts = JSON.stringify([
      // OTel GenAI, as the normalizer stores them (an OpenInference image URL becomes a uri part).
      { type: 'uri', modality: 'image', mime_type: 'image/png', uri: 'https://example.com/cat.png' },
      { type: 'blob', modality: 'image', mime_type: 'image/png', content_length: 4000 },
      // A Vercel file part with its base64 short enough to be kept inline.
      {
        type: 'blob',
        modality: 'document',
        mime_type: 'application/pdf',
        content: base64,
        filename: 'a.pdf',
      },
      // Shapes kept as sent: OpenAI Responses parts and a file by id.
      { type: 'input_image', image_url: `data:image/jpeg;base64,${base64}` },
      { type: 'input_audio', input_audio: { data: base64, format: 'wav' } },
      { type: 'file', file_id: 'file-abc' },
    ]);
    const reference = { kind: 'media', uri: null, fileId: null, filename: null };
    expect(partViews(parts, null)).toEqual([
      {
        ...reference,
        modality: 'image',
        mimeType: 'image/png',
        uri: 'https://example.com/cat.png',
        inlineChars: null,
      },
      { ...reference, modality: 'image', mimeType: 'image/png', inlineChars: 4000 },
      { ...reference, modality: 'document', mimeType: 'application/pdf', filename: 'a.pdf', inlineChars: 12 },
      { ...reference, modality: 'image', mimeType: 'image/jpeg', inlineChars: 35 },
      { ...reference, modality: 'audio', mimeType: 'audio/wav', inlineChars: 12 },
      { ...reference, modality: 'file', mimeType: null, fileId: 'file-abc', inlineChars: null },
    ]);
    expect(JSON.stringify(partViews(parts, null))).not.toContain(base64);
  });

  it('estimates the bytes of base64 data from its length', () => {
    expect(inlineBytes(4000)).toBe(3000);
    expect(inlineBytes(btoa('hello world!').length)).toBe(12);
  });

  it('knows when a tool-result part already shows the content, whatever its JSON spacing', () => {
    const content = '{"status":"overdue","amount_eur":2947}';
    const parts = partViews(
      JSON.stringify([
        { type: 'tool_call_response', id: 'c1', response: { status: 'overdue', amount_eur: 2947 } },
      ]),
      content,
    );
    expect(partsRepeatContent(parts, content)).toBe(true);
    expect(partsRepeatContent(parts, '{"status":"paid"}')).toBe(false);
    expect(
      partsRepeatContent(partViews(JSON.stringify([{ type: 'image', uri: 'x' }]), content), content),
    ).toBe(false);
    expect(partsRepeatContent(parts, null)).toBe(false);
  });

  it('shows malformed JSON as raw text instead of failing', () => {
    expect(partViews('{not json', null)).toEqual([{ kind: 'other', type: 'raw', json: '{not json' }]);
    expect(partViews(null, null)).toEqual([]);
  });
});

describe('toolLabel', () => {
  const calls = (...names: string[]) =>
    partViews(JSON.stringify(names.map((name, i) => ({ type: 'tool_call', id: `c${i}`, name }))), null);

  it('names the first of several calls with how many more, and lists them all in the title', () => {
    expect(toolLabel('get_weather', calls('get_weather', 'get_weather', 'convert_temp'))).toEqual({
      text: 'get_weather +2',
      title: '3 tool calls: get_weather, get_weather, convert_temp',
    });
  });

  it('names a single call, or the tool a result came from, by itself', () => {
    expect(toolLabel('get_weather', calls('get_weather'))).toEqual({
      text: 'get_weather',
      title: 'get_weather',
    });
    expect(toolLabel('lookup', [])).toEqual({ text: 'lookup', title: 'lookup' });
    expect(toolLabel(null, [])).toBeNull();
  });
});

describe('tool results named by their calls', () => {
  const call = JSON.stringify([
    { type: 'tool_call', id: 'c0', name: 'get_weather', arguments: {} },
    { type: 'tool_call', id: 'c1', name: 'convert_temp', arguments: {} },
  ]);
  const results = JSON.stringify([
    { type: 'tool_call_response', id: 'c0', response: 'sunny' },
    { type: 'tool_call_response', id: 'c1', response: '64 °F' },
    { type: 'tool_call_response', id: 'c9', response: '?' },
  ]);
  const names = callNames([
    { parts: call, content: null, toolName: 'get_weather' },
    { parts: results, content: null, toolName: null },
  ]);

  it('finds the tool of each call id in the messages that make calls', () => {
    expect([...names]).toEqual([
      ['c0', 'get_weather'],
      ['c1', 'convert_temp'],
    ]);
  });

  it('names each result by its call, keeps a name the result gives, and leaves an unknown call unnamed', () => {
    const views = withCallNames(partViews(results, null), names);
    expect(views.map((v) => (v.kind === 'tool-result' ? v.name : v.kind))).toEqual([
      'get_weather',
      'convert_temp',
      null,
    ]);
    const own = JSON.stringify([{ type: 'tool_call_response', id: 'c0', name: 'weather_v2', response: 'x' }]);
    expect(withCallNames(partViews(own, null), names)).toMatchObject([{ name: 'weather_v2' }]);
  });

  it('labels a message answering several calls by the first tool with how many more', () => {
    expect(toolLabel('get_weather', withCallNames(partViews(results, null), names))).toEqual({
      text: 'get_weather +2',
      title: '3 tool results: get_weather, convert_temp, tool',
    });
  });
});
