/**
 * Vercel AI SDK 6 legacy telemetry (`experimental_telemetry`), OpenAI chat provider. The session is
 * `metadata.sessionId`; generateText for plain turns, streamText for a tool-call round trip.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool, type ModelMessage } from 'ai';
import { z } from 'zod';
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
import { readEnv, startTelemetry, withoutSession, writeReport } from './harness.ts';

const env = readEnv();
const telemetry = startTelemetry(env, 'capture-vercel-ai');
const openai = createOpenAI({ apiKey: 'capture-key', baseURL: env.openaiBaseUrl });

function settings(session: string | null, functionId: string) {
  return {
    maxRetries: 0,
    headers: session ? { [SESSION_HEADER]: session } : {},
    experimental_telemetry: {
      isEnabled: true,
      functionId,
      metadata: session ? { sessionId: session, userId: 'user-capture' } : {},
    },
  };
}

const weather = tool({
  description: WEATHER_TOOL.description,
  inputSchema: z.object({ city: z.string().describe('City name') }),
  execute: async ({ city }) => runWeatherTool(city),
});

const multi = SESSIONS.multiTurn;
const history: ModelMessage[] = [{ role: 'user', content: TURNS.first }];
const first = await generateText({
  model: openai.chat(MODELS.small),
  system: SYSTEM_PROMPT,
  messages: history,
  ...settings(multi, 'chat-turn'),
});
history.push(...first.response.messages, { role: 'user', content: TURNS.unicode });

const second = streamText({
  model: openai.chat(MODELS.small),
  system: SYSTEM_PROMPT,
  messages: history,
  ...settings(multi, 'chat-turn'),
});
await second.consumeStream();
history.push(...(await second.response).messages, { role: 'user', content: TURNS.tool });

const toolTurn = streamText({
  model: openai.chat(MODELS.large),
  system: SYSTEM_PROMPT,
  messages: history,
  tools: { [WEATHER_TOOL.name]: weather },
  stopWhen: stepCountIs(3),
  ...settings(multi, 'chat-turn-with-tools'),
});
await toolTurn.consumeStream();
if ((await toolTurn.steps).length !== 2) throw new Error('the tool turn should take two steps');

await generateText({
  model: openai.chat(MODELS.small),
  messages: [{ role: 'user', content: largeMessage() }],
  ...settings(SESSIONS.large, 'summarise'),
});

const failing = settings(SESSIONS.error, 'chat-turn');
const failed = await generateText({
  model: openai.chat(MODELS.small),
  system: SYSTEM_PROMPT,
  messages: [{ role: 'user', content: TURNS.error }],
  ...failing,
  headers: { ...failing.headers, [FAIL_HEADER]: '500' },
}).then(
  () => false,
  () => true,
);
if (!failed) throw new Error('the failing call should have failed');

const traceId = await withoutSession(telemetry.appTracer, () =>
  generateText({
    model: openai.chat(MODELS.small),
    messages: [{ role: 'user', content: TURNS.noSession }],
    ...settings(null, 'one-off'),
  }),
);
await telemetry.shutdown();
writeReport(env, { noSessionTraceIds: [traceId] });
