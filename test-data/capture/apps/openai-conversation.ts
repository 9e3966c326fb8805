/**
 * The scenario played through the `openai` client, shared by the apps whose instrumentation wraps
 * that client (OTel, OpenInference, Langfuse). Each app says how a session is attached.
 */
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import {
  FAIL_HEADER,
  MODELS,
  SESSION_HEADER,
  SESSIONS,
  SYSTEM_PROMPT,
  TURNS,
  WEATHER_TOOL,
  largeMessage,
  runWeatherTool,
} from '../scenario.ts';

export interface SessionBinding {
  /** The client to use for calls of this session (Langfuse wraps one per session). */
  client(session: string | null): OpenAI;
  /** Runs one turn so that the library attributes it to `session`. */
  inSession<T>(session: string, fn: () => Promise<T>): Promise<T>;
  /** Runs a call with no session; returns the trace id it produced. */
  withoutSession(fn: () => Promise<unknown>): Promise<string>;
}

const tools: ChatCompletionTool[] = [
  { type: 'function', function: { ...WEATHER_TOOL, parameters: { ...WEATHER_TOOL.parameters } } },
];

function headers(session: string | null, fail?: number): Record<string, string> {
  const h: Record<string, string> = {};
  if (session) h[SESSION_HEADER] = session;
  if (fail) h[FAIL_HEADER] = String(fail);
  return h;
}

async function streamed(
  client: OpenAI,
  session: string,
  body: Omit<OpenAI.Chat.ChatCompletionCreateParamsStreaming, 'stream'>,
): Promise<ChatCompletionMessageParam> {
  const stream = await client.chat.completions.create(
    { ...body, stream: true, stream_options: { include_usage: true } },
    { headers: headers(session) },
  );
  let content = '';
  const calls: { id: string; name: string; args: string }[] = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    content += delta?.content ?? '';
    for (const tc of delta?.tool_calls ?? []) {
      const call = (calls[tc.index] ??= { id: '', name: '', args: '' });
      call.id ||= tc.id ?? '';
      call.name ||= tc.function?.name ?? '';
      call.args += tc.function?.arguments ?? '';
    }
  }
  if (calls.length === 0) return { role: 'assistant', content };
  return {
    role: 'assistant',
    content: content || null,
    tool_calls: calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.args },
    })),
  };
}

export async function playConversation(bind: SessionBinding): Promise<{ noSessionTraceIds: string[] }> {
  const multi = SESSIONS.multiTurn;
  const history: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: TURNS.first },
  ];

  const first = await bind.inSession(multi, () =>
    bind
      .client(multi)
      .chat.completions.create({ model: MODELS.small, messages: history }, { headers: headers(multi) }),
  );
  history.push(first.choices[0]!.message, { role: 'user', content: TURNS.unicode });

  history.push(
    await bind.inSession(multi, () =>
      streamed(bind.client(multi), multi, { model: MODELS.small, messages: history }),
    ),
  );
  history.push({ role: 'user', content: TURNS.tool });

  const toolTurn = await bind.inSession(multi, () =>
    bind
      .client(multi)
      .chat.completions.create(
        { model: MODELS.large, messages: history, tools },
        { headers: headers(multi) },
      ),
  );
  const call = toolTurn.choices[0]!.message.tool_calls?.[0];
  if (!call || call.type !== 'function')
    throw new Error('the capture server should have asked for a tool call');
  const city = (JSON.parse(call.function.arguments) as { city: string }).city;
  history.push(toolTurn.choices[0]!.message, {
    role: 'tool',
    tool_call_id: call.id,
    content: runWeatherTool(city),
  });
  history.push(
    await bind.inSession(multi, () =>
      streamed(bind.client(multi), multi, { model: MODELS.large, messages: history, tools }),
    ),
  );

  const large = SESSIONS.large;
  await bind.inSession(large, () =>
    bind
      .client(large)
      .chat.completions.create(
        { model: MODELS.small, messages: [{ role: 'user', content: largeMessage() }] },
        { headers: headers(large) },
      ),
  );

  const failing = SESSIONS.error;
  const failed = await bind
    .inSession(failing, () =>
      bind.client(failing).chat.completions.create(
        {
          model: MODELS.small,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: TURNS.error },
          ],
        },
        { headers: headers(failing, 400) },
      ),
    )
    .then(
      () => false,
      () => true,
    );
  if (!failed) throw new Error('the failing call should have failed');

  const traceId = await bind.withoutSession(() =>
    bind
      .client(null)
      .chat.completions.create(
        { model: MODELS.small, messages: [{ role: 'user', content: TURNS.noSession }] },
        { headers: headers(null) },
      ),
  );
  return { noSessionTraceIds: [traceId] };
}
