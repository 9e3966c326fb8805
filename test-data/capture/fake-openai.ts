/**
 * A deterministic OpenAI-compatible chat-completions server on 127.0.0.1. It records every call
 * (what the app sent, what it answered) so ground truth comes from the real exchange.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAIL_HEADER, SESSION_HEADER } from './scenario.ts';

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface WireMessage {
  role: string;
  content?: string | null | { type: string; text?: string }[];
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export interface RecordedCall {
  session: string | null;
  request: { model: string; messages: WireMessage[]; stream: boolean; includeUsage: boolean; tools: number };
  status: number;
  /** Present when status is 200. */
  response?: { model: string; message: WireMessage; finishReason: string; usage: Usage };
}

const RESPONSE_MODELS: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
};

function textOf(content: WireMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}

/** The answer is a pure function of the request, so re-captures return the same content. */
function answer(messages: WireMessage[], tools: number): { message: WireMessage; finishReason: string } {
  const last = messages.at(-1);
  if (tools > 0 && last?.role === 'user') {
    return {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: `call_${shortHash(messages)}`,
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      finishReason: 'tool_calls',
    };
  }
  if (last?.role === 'tool') {
    return {
      message: {
        role: 'assistant',
        content: `According to get_weather: ${textOf(last.content)} Enjoy Paris! 🗼`,
      },
      finishReason: 'stop',
    };
  }
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const snippet = [...textOf(lastUser?.content)].slice(0, 40).join('');
  return {
    message: {
      role: 'assistant',
      content: `Answer #${messages.length} to “${snippet}” — réponse ✓ 👍 ${shortHash(messages).slice(0, 6)}`,
    },
    finishReason: 'stop',
  };
}

function usageFor(messages: WireMessage[], message: WireMessage, tools: number): Usage {
  const promptChars = messages.reduce(
    (n, m) => n + textOf(m.content).length + JSON.stringify(m.tool_calls ?? '').length,
    0,
  );
  const prompt = 12 + Math.ceil(promptChars / 4) + 40 * tools;
  const completion =
    5 + Math.ceil((textOf(message.content).length + JSON.stringify(message.tool_calls ?? '').length) / 4);
  const cached = messages.length >= 3 ? Math.min(prompt, 32 * (messages.length - 2)) : 0;
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

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function streamChunks(
  id: string,
  model: string,
  created: number,
  message: WireMessage,
  finishReason: string,
  usage: Usage | null,
): string[] {
  const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_capture' };
  const chunk = (delta: unknown, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  const text = textOf(message.content);
  for (let i = 0; i < text.length; i += 16) out.push(chunk({ content: text.slice(i, i + 16) }, null));
  message.tool_calls?.forEach((call, index) => {
    out.push(
      chunk(
        {
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
          ],
        },
        null,
      ),
    );
    out.push(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }, null));
  });
  out.push(chunk({}, finishReason));
  if (usage) out.push({ ...base, choices: [], usage });
  return [...out.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'];
}

interface ChatRequestBody {
  model: string;
  messages: WireMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
}

interface ResponsesRequestBody {
  model: string;
  instructions?: string;
  input: string | { role: string; content: string | { type: string; text?: string }[] }[];
  conversation?: string;
}

/** The Responses request as chat messages: instructions first, then the new input items. */
function responsesInput(body: ResponsesRequestBody): WireMessage[] {
  const system: WireMessage[] = body.instructions ? [{ role: 'system', content: body.instructions }] : [];
  const input: WireMessage[] =
    typeof body.input === 'string'
      ? [{ role: 'user', content: body.input }]
      : body.input.map((item) => ({ role: item.role, content: item.content }));
  return [...system, ...input];
}

export interface FakeOpenAI {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const calls: RecordedCall[] = [];
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      sendJson(res, 500, { error: { message: String(error) } }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8');
    const sessionHeader = req.headers[SESSION_HEADER];
    const session = typeof sessionHeader === 'string' ? sessionHeader : null;
    const fail = Number(req.headers[FAIL_HEADER] ?? 0);
    if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
      chatCompletion(res, JSON.parse(body) as ChatRequestBody, session, fail);
    } else if (req.method === 'POST' && req.url?.endsWith('/responses')) {
      responsesCreate(res, JSON.parse(body) as ResponsesRequestBody, session);
    } else {
      sendJson(res, 404, {
        error: { message: `not served by the capture server: ${req.method} ${req.url}` },
      });
    }
  }

  function chatCompletion(
    res: ServerResponse,
    parsed: ChatRequestBody,
    session: string | null,
    fail: number,
  ): void {
    const request = {
      model: parsed.model,
      messages: parsed.messages,
      stream: parsed.stream === true,
      includeUsage: parsed.stream_options?.include_usage === true,
      tools: parsed.tools?.length ?? 0,
    };
    if (fail >= 400) {
      calls.push({ session, request, status: fail });
      sendJson(res, fail, {
        error: {
          message: `Simulated ${fail} from the capture server`,
          type: fail >= 500 ? 'server_error' : 'invalid_request_error',
          param: null,
          code: 'simulated_failure',
        },
      });
      return;
    }
    const { message, finishReason } = answer(request.messages, request.tools);
    const usage = usageFor(request.messages, message, request.tools);
    const model = RESPONSE_MODELS[request.model] ?? request.model;
    calls.push({ session, request, status: 200, response: { model, message, finishReason, usage } });
    const id = `chatcmpl-${shortHash([request.messages, calls.length])}`;
    const created = Math.floor(Date.now() / 1000);
    if (request.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const line of streamChunks(
        id,
        model,
        created,
        message,
        finishReason,
        request.includeUsage ? usage : null,
      ))
        res.write(line);
      res.end();
      return;
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: 'fp_capture',
      choices: [
        { index: 0, message: { ...message, refusal: null }, logprobs: null, finish_reason: finishReason },
      ],
      usage,
    });
  }

  /** Text-only Responses API turns; history lives server-side in `conversation`, as with OpenAI. */
  function responsesCreate(res: ServerResponse, parsed: ResponsesRequestBody, session: string | null): void {
    const messages = responsesInput(parsed);
    const request = { model: parsed.model, messages, stream: false, includeUsage: false, tools: 0 };
    const { message } = answer(messages, 0);
    const chatUsage = usageFor(messages, message, 0);
    const model = RESPONSE_MODELS[parsed.model] ?? parsed.model;
    calls.push({
      session,
      request,
      status: 200,
      response: { model, message, finishReason: 'stop', usage: chatUsage },
    });
    const id = shortHash([messages, calls.length]);
    sendJson(res, 200, {
      id: `resp_${id}`,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'completed',
      error: null,
      incomplete_details: null,
      instructions: parsed.instructions ?? null,
      model,
      output: [
        {
          type: 'message',
          id: `msg_${id}`,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: textOf(message.content), annotations: [], logprobs: [] }],
        },
      ],
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [],
      conversation: parsed.conversation ? { id: parsed.conversation } : null,
      text: { format: { type: 'text' } },
      metadata: {},
      usage: {
        input_tokens: chatUsage.prompt_tokens,
        input_tokens_details: { cached_tokens: chatUsage.prompt_tokens_details.cached_tokens },
        output_tokens: chatUsage.completion_tokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: chatUsage.total_tokens,
      },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
