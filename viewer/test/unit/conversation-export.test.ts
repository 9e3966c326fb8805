import { describe, expect, it } from 'vitest';
import type { SessionDetail } from '@parley/shared/view';
import { conversationJson, conversationMarkdown } from '../../src/lib/conversation-export.ts';

const detail: SessionDetail = {
  key: 's-1',
  sessionId: 's-1',
  traceIds: ['t1'],
  firstUs: Date.UTC(2026, 10, 26, 6, 0, 0) * 1000,
  lastUs: Date.UTC(2026, 10, 26, 6, 0, 2) * 1000,
  durationMs: 2000,
  models: ['gpt-4o-mini'],
  errors: 0,
  calls: [],
  messages: [
    {
      anchor: 'a:0',
      spanId: 'a',
      seq: 0,
      startUs: Date.UTC(2026, 10, 26, 6, 0, 0) * 1000,
      direction: 'input',
      role: 'user',
      content: 'Show me ```code``` please',
      parts: null,
      toolCallId: null,
      toolName: null,
      finishReason: null,
      model: 'gpt-4o-mini',
      latencyMs: null,
      metrics: { inputTokens: 10 },
      branch: false,
      continuesFrom: null,
    },
    {
      anchor: 'a:1',
      spanId: 'a',
      seq: 1,
      startUs: Date.UTC(2026, 10, 26, 6, 0, 1) * 1000,
      direction: 'output',
      role: 'assistant',
      content: 'Sure',
      parts: '[{"type":"tool_call","name":"f"}]',
      toolCallId: null,
      toolName: null,
      finishReason: 'stop',
      model: 'gpt-4o-mini',
      latencyMs: 900,
      metrics: { outputTokens: 3 },
      branch: true,
      continuesFrom: null,
    },
  ],
  rollup: [],
  totals: {
    llmCalls: 1,
    inputTokens: 10,
    outputTokens: 3,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    totalCostUsd: null,
    unpricedCalls: 1,
  },
  embeddings: null,
};

describe('conversation export', () => {
  it('writes JSON with parsed parts and ISO times', () => {
    const doc = JSON.parse(conversationJson(detail)) as { messages: { parts: unknown; time: string }[] };
    expect(doc.messages[1]?.parts).toEqual([{ type: 'tool_call', name: 'f' }]);
    expect(doc.messages[0]?.time).toBe('2026-11-26T06:00:00.000Z');
  });

  it('writes Markdown whose fences content cannot close, marks branches and unknown prices', () => {
    const md = conversationMarkdown(detail);
    expect(md).toContain('````text\nShow me ```code``` please\n````');
    expect(md).toContain('**Branch:**');
    expect(md).toContain('Cost: no price (1 calls without a price)');
    expect(md).not.toContain('call failed');
  });

  it('names embedding requests apart from the LLM figures, in Markdown and JSON', () => {
    const embeddings = { calls: 2, inputTokens: 1200, totalCostUsd: 0.065, unpricedCalls: 1, models: ['e'] };
    const md = conversationMarkdown({ ...detail, embeddings });
    expect(md).toContain(
      '- Embeddings, not in the figures above: 2 requests, 1200 tokens, $0.0650 (1 without a price)',
    );
    expect(conversationMarkdown(detail)).not.toContain('Embeddings');
    expect(JSON.parse(conversationJson({ ...detail, embeddings })).embeddings).toEqual(embeddings);
  });

  it('writes a token total no call reported as null in JSON and "—" in Markdown, a reported 0 as 0', () => {
    const unreported = {
      ...detail,
      totals: { ...detail.totals, inputTokens: null, outputTokens: null, cachedInputTokens: 0 },
    };
    expect(conversationMarkdown(unreported)).toContain('- Tokens: — in, — out, 0 cached');
    expect(JSON.parse(conversationJson(unreported)).totals).toMatchObject({
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: 0,
    });
  });

  it('writes parts only when they hold more than the text above them', () => {
    const text = {
      ...detail.messages[0]!,
      content: 'a\nb',
      parts: '[{"type":"text","content":"a"},{"type":"text","content":"b"}]',
    };
    const md = conversationMarkdown({ ...detail, messages: [text, detail.messages[1]!] });
    expect(md).not.toContain('"type":"text"');
    expect(md).toContain('[{"type":"tool_call","name":"f"}]');
  });

  it('says where a call failed, its status message fenced like content', () => {
    const failed = {
      ...detail,
      messages: detail.messages.map((m, i) => (i === 1 ? { ...m, callError: '```\n# not a heading' } : m)),
    };
    expect(conversationMarkdown(failed)).toContain(
      '**The model call failed:**\n\n````text\n```\n# not a heading\n````',
    );
    expect(JSON.parse(conversationJson(failed)).messages[1].callError).toBe('```\n# not a heading');
  });

  it('names every tool a message calls or answers in its heading, results by their calls', () => {
    const calls = {
      ...detail.messages[1]!,
      content: null,
      toolName: 'get_weather',
      parts: JSON.stringify([
        { type: 'tool_call', id: 'c0', name: 'get_weather', arguments: {} },
        { type: 'tool_call', id: 'c1', name: 'convert_temp', arguments: {} },
      ]),
    };
    const results = {
      ...detail.messages[0]!,
      anchor: 'b:0',
      role: 'tool',
      content: null,
      toolCallId: 'c0',
      toolName: 'get_weather',
      parts: JSON.stringify([
        { type: 'tool_call_response', id: 'c0', response: 'sunny' },
        { type: 'tool_call_response', id: 'c1', response: '64 °F' },
      ]),
    };
    const md = conversationMarkdown({ ...detail, messages: [calls, results] });
    expect(md).toContain('## assistant (2 tool calls: get_weather, convert_temp)');
    expect(md).toContain('## tool (2 tool results: get_weather, convert_temp)');
  });
});
