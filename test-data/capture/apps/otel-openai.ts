/**
 * `openai` + `@opentelemetry/instrumentation-openai` with content capture on. The instrumentation
 * has no session attribute of its own: the app opens one span per turn carrying
 * `gen_ai.conversation.id`, and the `chat` span made inside inherits it through the trace.
 */
import { createRequire } from 'node:module';
import { metrics } from '@opentelemetry/api';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { MODELS, SESSION_HEADER, SESSIONS, SYSTEM_PROMPT, TURNS } from '../scenario.ts';
import { playConversation } from './openai-conversation.ts';
import { readEnv, startTelemetry, withoutSession, writeReport } from './harness.ts';

const env = readEnv();
const telemetry = startTelemetry(env, 'capture-otel-openai');
const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
instrumentation.setTracerProvider(telemetry.tracerProvider);
instrumentation.setLoggerProvider(telemetry.loggerProvider);
// Without a meter provider the token histograms stay undefined and a call with usage throws
// (registerInstrumentations would set the global one).
instrumentation.setMeterProvider(metrics.getMeterProvider());
instrumentation.enable();
// Loaded through require after enable() so require-in-the-middle patches it, as in a CJS app.
const { OpenAI } = createRequire(import.meta.url)('openai') as typeof import('openai');
const client = new OpenAI({ apiKey: 'capture-key', baseURL: env.openaiBaseUrl, maxRetries: 0 });

const report = await playConversation({
  client: () => client,
  inSession: (session, fn) =>
    telemetry.appTracer.startActiveSpan(
      'conversation-turn',
      { attributes: { 'gen_ai.conversation.id': session } },
      async (span) => {
        try {
          return await fn();
        } finally {
          span.end();
        }
      },
    ),
  withoutSession: (fn) => withoutSession(telemetry.appTracer, fn),
});

// Responses API: the instrumentation takes gen_ai.conversation.id from the response itself.
for (const input of [TURNS.responsesFirst, TURNS.responsesSecond]) {
  await client.responses.create(
    { model: MODELS.small, instructions: SYSTEM_PROMPT, input, conversation: SESSIONS.responses },
    { headers: { [SESSION_HEADER]: SESSIONS.responses } },
  );
}
await telemetry.shutdown();
writeReport(env, report);
