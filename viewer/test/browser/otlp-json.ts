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

/** A one-exchange call ("hi", "hello"; 5 tokens in, 3 out, 500 ms) of the session and ids given. */
export function helloSpan(
  c: Pick<ChatSpan, 'sessionId' | 'traceId' | 'spanId' | 'model' | 'startMs'>,
): ChatSpan {
  return {
    ...c,
    durationMs: 500,
    input: [{ role: 'user', text: 'hi' }],
    output: 'hello',
    inputTokens: 5,
    outputTokens: 3,
  };
}

export function chatTraceBody(spans: ChatSpan[], service = 'crafted-app'): Uint8Array {
  return traceBody(spans.map(span), service);
}

/** An OTLP/JSON trace body of these spans, from one service. */
export function traceBody(spans: readonly object[], service: string): Uint8Array {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', service)] },
        scopeSpans: [{ scope: { name: 'parley-viewer-test' }, spans }],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

const message = (role: string, content: string) => ({ role, parts: [{ type: 'text', content }] });

/** A call made while usage figures are the point: with its usage, or failed with none. */
export interface UsageCall {
  /** Ids are `idBase + n`: distinct calls of one test. */
  n: number;
  idBase: number;
  sessionId: string;
  startMs: number;
  usage: { input: number; output: number } | null;
  model?: string;
}

/** A chat call re-sending one prompt: its answer and usage, or (failed) an error and no usage. */
export function usageCallSpan(c: UsageCall): object {
  const model = c.model ?? 'gpt-4o';
  const start = BigInt(c.startMs) * 1_000_000n;
  const prompt = [message('system', 'Be brief.'), message('user', 'Summarize the incident.')];
  const attributes: Record<string, string | number> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.conversation.id': c.sessionId,
    'gen_ai.input.messages': JSON.stringify(prompt),
    ...(c.usage
      ? {
          'gen_ai.usage.input_tokens': c.usage.input,
          'gen_ai.usage.output_tokens': c.usage.output,
          'gen_ai.output.messages': JSON.stringify([
            { ...message('assistant', 'Disk full on db-2.'), finish_reason: 'stop' },
          ]),
        }
      : { 'error.type': 'APIConnectionError' }),
  };
  return {
    traceId: hex(c.idBase * 16 + c.n, 32),
    spanId: hex(c.idBase + c.n, 16),
    name: `chat ${model}`,
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 500_000_000n).toString(),
    attributes: Object.entries(attributes).map(([k, v]) => attr(k, v)),
    status: c.usage ? { code: 1 } : { code: 2, message: 'Connection error.' },
  };
}

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
