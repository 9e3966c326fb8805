/**
 * `openai` through the real Traceloop SDK, `@traceloop/node-server-sdk` (OpenLLMetry JS): the SDK
 * starts its own OTel NodeSDK (its nested OTel 2.x / 0.203 tree, not the harness's 3.x), instruments
 * the client and exports with its own span processor. Each session turn is a `withWorkflow` whose
 * `associationProperties.session_id` the SDK stamps on every span started inside it.
 *
 * Offline: the SDK only fetches its prompt registry when `traceloopSyncEnabled` and the base URL
 * contains "traceloop"; both are off here, so nothing but the OTLP export leaves the process.
 */
import { createRequire } from 'node:module';
import * as traceloop from '@traceloop/node-server-sdk';
import { playConversation } from './openai-conversation.ts';
import { readEnv, writeReport } from './harness.ts';

const env = readEnv();
// The SDK's BatchSpanProcessor takes its settings from the standard OTEL_BSP_* variables: batches of
// 5 exported only at the final flush, as the other apps do. NodeSDK would also start an OTLP log
// exporter to localhost by default; the SDK sends no logs.
Object.assign(process.env, {
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '5',
  OTEL_BSP_SCHEDULE_DELAY: '600000',
  OTEL_BSP_MAX_QUEUE_SIZE: '4096',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_METRICS_EXPORTER: 'none',
  TRACELOOP_SYNC_ENABLED: 'false',
});

type InitializeOptions = NonNullable<Parameters<typeof traceloop.initialize>[0]>;
type SpanExporter = NonNullable<InitializeOptions['exporter']>;
type SdkOpenAI = NonNullable<NonNullable<InitializeOptions['instrumentModules']>['openAI']>;

const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@traceloop/node-server-sdk'));
const openaiModule = createRequire(import.meta.url)('openai') as typeof import('openai');

/** JSON needs an exporter passed in; the one the SDK itself ships with (0.203), not the harness's. */
function jsonExporter(): SpanExporter {
  const { OTLPTraceExporter } = sdkRequire('@opentelemetry/exporter-trace-otlp-http') as {
    OTLPTraceExporter: new (config: { url: string }) => SpanExporter;
  };
  return new OTLPTraceExporter({ url: `${env.sinkUrl}/v1/traces` });
}

traceloop.initialize({
  appName: 'capture-traceloop-sdk',
  // protobuf: the SDK's default exporter (OTLP/HTTP protobuf to `${baseUrl}/v1/traces`)
  baseUrl: env.sinkUrl,
  headers: {},
  ...(env.encoding === 'json' ? { exporter: jsonExporter() } : {}),
  traceloopSyncEnabled: false,
  silenceInitializationMessage: true,
  // The same class at runtime (createRequire loads the CommonJS build the SDK patches); TypeScript
  // sees the package's ESM and CommonJS declarations as two unrelated types.
  instrumentModules: { openAI: openaiModule.OpenAI as unknown as SdkOpenAI },
});

const client = new openaiModule.OpenAI({ apiKey: 'capture-key', baseURL: env.openaiBaseUrl, maxRetries: 0 });
const tracer = traceloop.getTraceloopTracer();

const report = await playConversation({
  client: () => client,
  inSession: (session, fn) =>
    traceloop.withWorkflow(
      { name: 'chat-turn', associationProperties: { session_id: session, user_id: 'user-capture' } },
      fn,
    ),
  withoutSession: (fn) =>
    tracer.startActiveSpan('handle-request', async (span) => {
      try {
        await fn();
        return span.spanContext().traceId;
      } finally {
        span.end();
      }
    }),
});
await traceloop.forceFlush();
writeReport(env, report);
