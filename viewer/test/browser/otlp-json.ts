/** Minimal OTLP/JSON trace bodies of one GenAI chat span (v1.37 attributes), for crafted sessions. */
export interface ChatSpan {
  sessionId: string;
  traceId: string;
  spanId: string;
  model: string;
  startMs: number;
  durationMs: number;
  input: { role: string; text: string }[];
  output: string;
  inputTokens: number;
  outputTokens: number;
  /** A tool call the answer makes, after its text. */
  toolCall?: { name: string; id: string; args: string };
}

function attr(key: string, value: string | number) {
  return typeof value === 'number'
    ? { key, value: { intValue: String(value) } }
    : { key, value: { stringValue: value } };
}

function span(s: ChatSpan) {
  const start = BigInt(Math.round(s.startMs)) * 1_000_000n;
  const end = BigInt(Math.round(s.startMs + s.durationMs)) * 1_000_000n;
  const input = s.input.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.text }] }));
  const call = s.toolCall && {
    type: 'tool_call',
    name: s.toolCall.name,
    id: s.toolCall.id,
    arguments: s.toolCall.args,
  };
  const parts = call ? [{ type: 'text', content: s.output }, call] : [{ type: 'text', content: s.output }];
  const output = [{ role: 'assistant', parts, finish_reason: call ? 'tool_call' : 'stop' }];
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    name: `chat ${s.model}`,
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    attributes: [
      attr('gen_ai.operation.name', 'chat'),
      attr('gen_ai.provider.name', 'openai'),
      attr('gen_ai.request.model', s.model),
      attr('gen_ai.response.model', s.model),
      attr('gen_ai.conversation.id', s.sessionId),
      attr('gen_ai.usage.input_tokens', s.inputTokens),
      attr('gen_ai.usage.output_tokens', s.outputTokens),
      attr('gen_ai.input.messages', JSON.stringify(input)),
      attr('gen_ai.output.messages', JSON.stringify(output)),
    ],
    status: { code: 1 },
  };
}

export function chatTraceBody(spans: ChatSpan[], service = 'crafted-app'): Uint8Array {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', service)] },
        scopeSpans: [{ scope: { name: 'parley-viewer-test' }, spans: spans.map(span) }],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
