/**
 * `openai` + `@arizeai/openinference-instrumentation-openai`. The session comes from
 * openinference-core's context helper `setSession`, which the instrumentation copies onto every
 * span it makes inside that context as `session.id`.
 */
import { createRequire } from 'node:module';
import { context } from '@opentelemetry/api';
import { setSession } from '@arizeai/openinference-core';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { playConversation } from './openai-conversation.ts';
import { readEnv, startTelemetry, withoutSession, writeReport } from './harness.ts';

const env = readEnv();
const telemetry = startTelemetry(env, 'capture-openinference');
const instrumentation = new OpenAIInstrumentation({ tracerProvider: telemetry.tracerProvider });
const openaiModule = createRequire(import.meta.url)('openai') as typeof import('openai');
// Typed as the client class, which also carries the resource classes the patch reaches for.
instrumentation.manuallyInstrument(openaiModule.OpenAI);
const client = new openaiModule.OpenAI({ apiKey: 'capture-key', baseURL: env.openaiBaseUrl, maxRetries: 0 });

const report = await playConversation({
  client: () => client,
  inSession: (session, fn) => context.with(setSession(context.active(), { sessionId: session }), fn),
  withoutSession: (fn) => withoutSession(telemetry.appTracer, fn),
});
await telemetry.shutdown();
writeReport(env, report);
