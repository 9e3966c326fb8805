import { describe, expect, it } from 'vitest';
import { brief, one, parts, run, span } from './helpers.ts';

const inner = {
  'operation.name': 'ai.streamText.doStream chat-turn',
  'ai.operationId': 'ai.streamText.doStream',
  'ai.telemetry.functionId': 'chat-turn',
  'ai.model.provider': 'openai.chat',
  'ai.model.id': 'gpt-4.1',
  'ai.telemetry.metadata.sessionId': 'conv-v',
  'ai.telemetry.metadata.userId': 'user-v',
  'ai.prompt.messages': JSON.stringify([
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
      ],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call_1',
          toolName: 'get_weather',
          output: { type: 'text', value: '18 °C' },
        },
      ],
    },
  ]),
  'gen_ai.system': 'openai.chat',
  'gen_ai.request.model': 'gpt-4.1',
  'gen_ai.response.model': 'gpt-4.1-2025-04-14',
  'ai.response.model': 'gpt-4.1-2025-04-14',
  'ai.response.finishReason': 'stop',
  'ai.response.text': 'Sunny, 18 °C.',
  'ai.usage.inputTokens': 195,
  'ai.usage.inputTokenDetails.cacheReadTokens': 192,
  'ai.usage.outputTokens': 28,
  'ai.usage.outputTokenDetails.reasoningTokens': 0,
  'ai.usage.cachedInputTokens': 192,
  'gen_ai.usage.input_tokens': 195,
  'gen_ai.usage.output_tokens': 28,
};

describe('Vercel AI SDK (v3–v6 legacy ai.* spans)', () => {
  it('counts only the inner doStream/doGenerate span and reads its prompt and response', () => {
    const outer = span(
      {
        'ai.operationId': 'ai.streamText',
        'ai.model.id': 'gpt-4.1',
        'ai.model.provider': 'openai.chat',
        'ai.telemetry.metadata.sessionId': 'conv-v',
        'ai.usage.inputTokens': 195,
        'ai.usage.outputTokens': 28,
        'ai.prompt': '{"prompt":"Weather in Paris?"}',
        'ai.response.text': 'Sunny, 18 °C.',
      },
      { name: 'ai.streamText', kind: 1, scope: { name: 'ai', version: '' } },
    );
    const doStream = span(inner, {
      name: 'ai.streamText.doStream',
      parentSpanId: outer.spanId,
      scope: { name: 'ai', version: '' },
    });
    const out = run([doStream, outer]);
    const [innerRow, outerRow] = out.spans;
    expect(outerRow).toMatchObject({
      convention: 'vercel-ai',
      is_llm_call: false,
      input_tokens: 195,
      operation: 'ai.streamText',
    });
    expect(innerRow).toMatchObject({
      convention: 'vercel-ai',
      operation: 'chat',
      is_llm_call: true,
      provider: 'openai',
      request_model: 'gpt-4.1',
      model: 'gpt-4.1-2025-04-14',
      session_id: 'conv-v',
      session_source: 'ai.telemetry.metadata.sessionId',
      user_id: 'user-v',
      input_tokens: 195,
      cached_input_tokens: 192,
      output_tokens: 28,
      reasoning_tokens: 0,
    });
    expect(out.messages.every((m) => m.span_id === doStream.spanId)).toBe(true);
    expect(brief(out.messages)).toEqual([
      { seq: 0, direction: 'input', role: 'system', content: 'Be brief.' },
      { seq: 1, direction: 'input', role: 'user', content: 'Weather in Paris?' },
      { seq: 2, direction: 'input', role: 'assistant', content: null },
      { seq: 3, direction: 'input', role: 'tool', content: '18 °C', tool_call_id: 'call_1' },
      { seq: 4, direction: 'output', role: 'assistant', content: 'Sunny, 18 °C.' },
    ]);
    expect(parts(out.messages[2])).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    expect(parts(out.messages[3])).toEqual([
      { type: 'tool_call_response', id: 'call_1', name: 'get_weather', response: '18 °C' },
    ]);
    expect(out.messages[3]?.tool_name).toBe('get_weather');
    expect(out.messages[4]?.finish_reason).toBe('stop');
  });

  it('turns ai.response.toolCalls into tool_call parts that hash like the re-sent history', () => {
    const call = one({
      ...inner,
      'ai.response.text': '',
      'ai.response.toolCalls': JSON.stringify([
        {
          toolCallType: 'function',
          toolCallId: 'call_1',
          toolName: 'get_weather',
          input: '{"city":"Paris"}',
        },
      ]),
      'ai.response.finishReason': 'tool-calls',
    });
    const output = call.messages.find((m) => m.direction === 'output');
    const history = call.messages.find((m) => m.direction === 'input' && m.role === 'assistant');
    expect(parts(output)).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    expect(output?.content_hash).toBe(history?.content_hash);
    expect(output?.finish_reason).toBe('tool-calls');
  });

  it('reads v4/v5 usage names and the reasoning text', () => {
    const { row, messages } = one({
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'anthropic.messages',
      'ai.model.id': 'claude-sonnet-4',
      'ai.usage.promptTokens': 11,
      'ai.usage.completionTokens': 4,
      'ai.response.reasoning': 'Let me think',
      'ai.response.text': 'Hi',
      'ai.prompt.messages': '[{"role":"user","content":[{"type":"text","text":"Hello"}]}]',
    });
    expect(row).toMatchObject({
      provider: 'anthropic',
      input_tokens: 11,
      output_tokens: 4,
      is_llm_call: true,
    });
    expect(parts(messages[1])).toEqual([
      { type: 'reasoning', content: 'Let me think' },
      { type: 'text', content: 'Hi' },
    ]);
  });

  it("adds Anthropic's cached tokens to v5's input count, which leaves them out; v6 and OpenAI counts include them", () => {
    const v5 = {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'anthropic.messages',
      'ai.model.id': 'claude-sonnet-4-20250514',
      'ai.usage.inputTokens': 50,
      'ai.usage.outputTokens': 200,
      'ai.usage.cachedInputTokens': 30,
      'gen_ai.usage.input_tokens': 50,
      'gen_ai.usage.output_tokens': 200,
    };
    const anthropic = one(v5);
    expect(anthropic.row).toMatchObject({ input_tokens: 80, cached_input_tokens: 30 });
    expect(anthropic.problems).toEqual([]);
    // v6: a total, with its details
    const v6 = one({
      ...v5,
      'ai.usage.inputTokens': 80,
      'gen_ai.usage.input_tokens': 80,
      'ai.usage.inputTokenDetails.cacheReadTokens': 30,
    });
    expect(v6.row).toMatchObject({ input_tokens: 80, cached_input_tokens: 30 });
    expect(one({ ...v5, 'ai.model.provider': 'openai.chat' }).row).toMatchObject({
      input_tokens: 50,
      cached_input_tokens: 30,
    });
  });

  it('reads the object answered by generateObject', () => {
    const { messages } = one({
      'ai.operationId': 'ai.generateObject.doGenerate',
      'ai.model.id': 'gpt-4o',
      'ai.response.object': '{"city":"Paris"}',
    });
    expect(brief(messages)).toEqual([
      { seq: 0, direction: 'output', role: 'assistant', content: '{"city":"Paris"}' },
    ]);
  });

  it('treats ai.toolCall and embedding spans as non-calls', () => {
    expect(one({ 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'get_weather' }).row).toMatchObject({
      operation: 'execute_tool',
      is_llm_call: false,
    });
    expect(
      one({
        'ai.operationId': 'ai.embed.doEmbed',
        'ai.model.id': 'text-embedding-3-small',
        'ai.usage.tokens': 9,
      }).row,
    ).toMatchObject({ operation: 'embeddings', is_llm_call: false, input_tokens: 9 });
  });

  it('reads Vercel v7 (OTel form with invoke_agent root) without double counting', () => {
    const root = span(
      {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'fn',
        'gen_ai.usage.input_tokens': 50,
        'gen_ai.usage.output_tokens': 5,
      },
      { name: 'invoke_agent gpt-4o' },
    );
    const chat = span(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 50,
        'gen_ai.usage.output_tokens': 5,
      },
      { parentSpanId: root.spanId },
    );
    const out = run([root, chat]);
    expect(out.spans.map((s) => s.is_llm_call)).toEqual([false, true]);
  });

  it('takes the v7 session from runtimeContext (ai.settings.context.*), which only the root and step spans carry', () => {
    const context = { 'ai.settings.context.sessionId': 'conv-7', 'ai.settings.context.userId': 'u-7' };
    const root = span(
      { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'chat-turn', ...context },
      { name: 'invoke_agent gpt-4o-mini', scope: { name: 'gen_ai', version: '' } },
    );
    const step = span(
      { 'gen_ai.operation.name': 'agent_step', ...context },
      { name: 'step 1', parentSpanId: root.spanId, scope: { name: 'gen_ai', version: '' } },
    );
    const chat = span(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 44,
        'gen_ai.usage.output_tokens': 24,
      },
      { name: 'chat gpt-4o-mini', parentSpanId: step.spanId, scope: { name: 'gen_ai', version: '' } },
    );
    const out = run([chat, step, root]);
    expect(
      out.spans.map((s) => [s.name, s.convention, s.is_llm_call, s.session_id, s.session_source]),
    ).toEqual([
      ['chat gpt-4o-mini', 'otel-genai', true, 'conv-7', 'trace'],
      ['step 1', 'otel-genai', false, 'conv-7', 'ai.settings.context.sessionId'],
      ['invoke_agent gpt-4o-mini', 'otel-genai', false, 'conv-7', 'ai.settings.context.sessionId'],
    ]);
    expect(out.spans[2]?.user_id).toBe('u-7');
  });
});
