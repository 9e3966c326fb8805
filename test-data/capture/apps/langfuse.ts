/**
 * `openai` wrapped by Langfuse's `observeOpenAI` (@langfuse/openai); spans made by @langfuse/tracing
 * on the app's OTel SDK. The session is `observeOpenAI(client, { sessionId })`, which only puts it
 * in the OTel context: LangfuseSpanProcessor (@langfuse/otel) stamps it onto spans at start. That
 * package peers on @opentelemetry/core 2.x, which refuses api 1.10, so this app runs the same
 * stamping step its onStart runs (@langfuse/core's getPropagatedAttributesFromContext) and exports
 * through the shared OTLP exporters.
 */
import { getPropagatedAttributesFromContext } from '@langfuse/core';
import { observeOpenAI } from '@langfuse/openai';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { playConversation } from './openai-conversation.ts';
import { readEnv, startTelemetry, withoutSession, writeReport } from './harness.ts';

const stampPropagatedAttributes: SpanProcessor = {
  onStart: (span, parentContext) => span.setAttributes(getPropagatedAttributesFromContext(parentContext)),
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

const env = readEnv();
const telemetry = startTelemetry(env, 'capture-langfuse', [stampPropagatedAttributes]);
const base = new OpenAI({ apiKey: 'capture-key', baseURL: env.openaiBaseUrl, maxRetries: 0 });

const report = await playConversation({
  client: (session) =>
    session ? observeOpenAI(base, { sessionId: session, userId: 'user-capture' }) : observeOpenAI(base),
  inSession: (_session, fn) => fn(),
  withoutSession: (fn) => withoutSession(telemetry.appTracer, fn),
});
await telemetry.shutdown();
writeReport(env, report);
