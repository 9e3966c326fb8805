import { describe, expect, it } from 'vitest';
import type { RecordedCall, Usage, WireMessage } from '../capture/fake-openai.ts';
import { reconstructMessages, sessionsFrom, type WireProfile } from '../capture/ground-truth-build.ts';
import { traceloopStreamEstimate } from '../capture/traceloop-token-estimate.ts';

function usage(prompt: number, completion: number, cached: number): Usage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function call(
  session: string | null,
  messages: WireMessage[],
  reply: WireMessage | null,
  stream = false,
): RecordedCall {
  const request = { model: 'm', messages, stream, includeUsage: stream, tools: 0 };
  if (!reply) return { session, request, status: 400 };
  return {
    session,
    request,
    status: 200,
    response: { model: 'm-1', message: reply, finishReason: 'stop', usage: usage(10, 2, 4) },
  };
}

const ALL: WireProfile = {
  cachedTokens: true,
  failedCallSpans: true,
  streamUsage: true,
  streamResponseModel: true,
};
const sys: WireMessage = { role: 'system', content: 'be brief' };
const u1: WireMessage = { role: 'user', content: 'hi' };
const a1: WireMessage = { role: 'assistant', content: 'hello' };
const toolCall: WireMessage = {
  role: 'assistant',
  content: null,
  tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
};
const toolResult: WireMessage = { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'ok' }] };

describe('reconstructMessages', () => {
  it('shows re-sent history once, tool calls as null content and tool results with their call id', () => {
    const calls = [
      call('s', [sys, u1], a1),
      call('s', [sys, u1, a1, { role: 'user', content: 'weather?' }], toolCall),
      call('s', [sys, u1, a1, { role: 'user', content: 'weather?' }, toolCall, toolResult], {
        role: 'assistant',
        content: 'sunny',
      }),
    ];
    expect(reconstructMessages(calls)).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null },
      { role: 'tool', content: 'ok', tool_call_id: 'c1' },
      { role: 'assistant', content: 'sunny' },
    ]);
  });

  it('shows an edited history as new messages after the common prefix', () => {
    const calls = [call('s', [u1], a1), call('s', [{ role: 'user', content: 'hi!' }], a1)];
    expect(reconstructMessages(calls).map((m) => m.content)).toEqual(['hi', 'hello', 'hi!', 'hello']);
  });
});

describe('sessionsFrom', () => {
  it('sums what the wire carries and lists trace ids only for the null session', () => {
    const sessions = sessionsFrom([call('s', [u1], a1), call('s', [u1], null), call(null, [u1], a1)], ALL, [
      'ab'.repeat(16),
    ]);
    expect(sessions).toMatchObject([
      {
        session_id: 's',
        llm_calls: 2,
        errors: 1,
        input_tokens: 10,
        output_tokens: 2,
        cached_input_tokens: 4,
        models: ['m-1'],
      },
      { session_id: null, trace_ids: ['ab'.repeat(16)], llm_calls: 1 },
    ]);
    expect(sessions[0]).not.toHaveProperty('trace_ids');
  });

  it('drops what the library does not record', () => {
    const profile: WireProfile = {
      cachedTokens: false,
      failedCallSpans: false,
      streamUsage: false,
      streamResponseModel: false,
    };
    const sessions = sessionsFrom([call('s', [u1], a1, true), call('e', [u1], null)], profile, []);
    expect(sessions).toEqual([
      {
        session_id: 's',
        llm_calls: 1,
        models: ['m'],
        input_tokens: 0,
        output_tokens: 0,
        cached_input_tokens: 0,
        errors: 0,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
      },
    ]);
  });

  it("counts streamed calls with the library's own estimate when it makes one, never its cached tokens", () => {
    const profile: WireProfile = {
      ...ALL,
      streamUsageEstimate: (c) => (c.response?.message.content ? { input: 7, output: 3 } : null),
    };
    const calls = [call('s', [u1], a1), call('s', [u1, a1, u1], a1, true), call('s', [u1], toolCall, true)];
    expect(sessionsFrom(calls, profile, [])[0]).toMatchObject({
      llm_calls: 3,
      input_tokens: 10 + 7,
      output_tokens: 2 + 3,
      cached_input_tokens: 4,
    });
  });
});

describe('traceloopStreamEstimate', () => {
  const streamed = (messages: WireMessage[], reply: WireMessage) => ({
    ...call('s', messages, reply, true),
    response: {
      model: 'gpt-4o-mini-2024-07-18',
      message: reply,
      finishReason: 'stop',
      usage: usage(999, 999, 0),
    },
  });

  it("counts each message's string content separately, ignoring the server usage", () => {
    const one = traceloopStreamEstimate(streamed([u1], a1));
    const twice = traceloopStreamEstimate(streamed([u1, toolCall, u1], a1));
    expect(one).not.toBeNull();
    expect(one!.input).toBeGreaterThan(0);
    expect(one!.output).toBeGreaterThan(0);
    expect(one!.input).toBeLessThan(999);
    expect(twice).toEqual({ input: 2 * one!.input, output: one!.output });
  });

  it('records nothing for a tool-call-only answer', () => {
    expect(traceloopStreamEstimate(streamed([u1], toolCall))).toBeNull();
  });
});
