import { describe, expect, it } from 'vitest';
import { partViews, partsRepeatContent } from '../../src/lib/parts.ts';

describe('partViews', () => {
  it('reads OTel tool calls and tool results', () => {
    const parts = JSON.stringify([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { type: 'tool_call_response', id: 'call_1', response: '{"temp":21}' },
    ]);
    expect(partViews(parts, null)).toEqual([
      { kind: 'tool-call', name: 'get_weather', id: 'call_1', args: '{\n  "city": "Paris"\n}' },
      { kind: 'tool-result', id: 'call_1', result: '{\n  "temp": 21\n}' },
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
      { type: 'image', uri: 'x' },
    ]);
    expect(partViews(parts, 'hi')).toEqual([
      { kind: 'other', type: 'image', json: '{\n  "type": "image",\n  "uri": "x"\n}' },
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
