/**
 * `openai` + `@traceloop/instrumentation-openai` (OpenLLMetry JS). The session is Traceloop's
 * association property `session_id`. In a Traceloop app, `withAssociationProperties` (from
 * @traceloop/node-server-sdk) puts it in the context and the SDK's span processor copies it onto
 * every span started there as `traceloop.association.properties.<key>`. The SDK itself peers on
 * OTel 0.203/2.x (it cannot sit next to OTel 3.x here), so this app mirrors those two steps in a
 * few lines; every other attribute comes from the unmodified instrumentation.
 */
import { createRequire } from 'node:module';
import { context, createContextKey } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import { playConversation } from './openai-conversation.ts';
import { readEnv, startTelemetry, withoutSession, writeReport } from './harness.ts';

const ASSOCIATION_PROPERTIES = createContextKey('association_properties');

function withAssociationProperties<T>(properties: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  return context.with(context.active().setValue(ASSOCIATION_PROPERTIES, properties), fn);
}

const stampAssociationProperties: SpanProcessor = {
  onStart: (span) => {
    const properties = context.active().getValue(ASSOCIATION_PROPERTIES) as
      Record<string, string> | undefined;
    for (const [key, value] of Object.entries(properties ?? {}))
      span.setAttribute(`traceloop.association.properties.${key}`, value);
  },
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

const env = readEnv();
const telemetry = startTelemetry(env, 'capture-traceloop', [stampAssociationProperties]);
const instrumentation = new OpenAIInstrumentation({ traceContent: true });
instrumentation.setTracerProvider(telemetry.tracerProvider);
const openaiModule = createRequire(import.meta.url)('openai') as typeof import('openai');
// Traceloop patches the client class (OpenInference takes the whole module).
instrumentation.manuallyInstrument(openaiModule.OpenAI);
const client = new openaiModule.OpenAI({ apiKey: 'capture-key', baseURL: env.openaiBaseUrl, maxRetries: 0 });

const report = await playConversation({
  client: () => client,
  inSession: (session, fn) => withAssociationProperties({ session_id: session, user_id: 'user-capture' }, fn),
  withoutSession: (fn) => withoutSession(telemetry.appTracer, fn),
});
await telemetry.shutdown();
writeReport(env, report);
