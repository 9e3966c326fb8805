/**
 * Vercel AI SDK 7 with its recommended `OpenTelemetry` integration from `@ai-sdk/otel` (GenAI
 * semantic conventions), OpenAI chat provider. v7 has no `telemetry.metadata`: the session rides in
 * `runtimeContext`, let through by `telemetry.includeRuntimeContext` and written by the integration's
 * `runtimeContext` supplemental option as `ai.settings.context.sessionId`. Same turns as the v6 app.
 */
import { OpenTelemetry } from '@ai-sdk/otel';
import { createOpenAI } from 'ai-sdk-openai-v4';
import { generateText, registerTelemetry, stepCountIs, streamText, tool, type ModelMessage } from 'ai-v7';
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
const telemetry = startTelemetry(env, 'capture-vercel-ai-v7');
registerTelemetry(new OpenTelemetry({ runtimeContext: true }));
const openai = createOpenAI({ apiKey: 'capture-key', baseURL: env.openaiBaseUrl });

function settings(session: string | null, functionId: string) {
  return {
    maxRetries: 0,
    headers: session ? { [SESSION_HEADER]: session } : {},
    runtimeContext: session ? { sessionId: session, userId: 'user-capture' } : {},
    telemetry: {
      functionId,
      includeRuntimeContext: session ? { sessionId: true, userId: true } : {},
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
  instructions: SYSTEM_PROMPT,
  messages: history,
  ...settings(multi, 'chat-turn'),
});
history.push(...first.responseMessages, { role: 'user', content: TURNS.unicode });

const second = streamText({
  model: openai.chat(MODELS.small),
  instructions: SYSTEM_PROMPT,
  messages: history,
  ...settings(multi, 'chat-turn'),
});
await second.consumeStream();
history.push(...(await second.responseMessages), { role: 'user', content: TURNS.tool });

const toolTurn = streamText({
  model: openai.chat(MODELS.large),
  instructions: SYSTEM_PROMPT,
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
  instructions: SYSTEM_PROMPT,
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
