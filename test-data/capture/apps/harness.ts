/**
 * What every capture app shares: OTel SDK wired to the local sink with the encoding under test,
 * and a report back to the orchestrator (the trace ids of calls made without a session).
 */
import { writeFileSync } from 'node:fs';
import { context, logs, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';

export interface AppEnv {
  openaiBaseUrl: string;
  sinkUrl: string;
  encoding: 'protobuf' | 'json';
  reportPath: string;
}

export interface AppReport {
  noSessionTraceIds: string[];
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`capture app needs ${name}`);
  return value;
}

export function readEnv(): AppEnv {
  const encoding = required('CAPTURE_ENCODING');
  if (encoding !== 'protobuf' && encoding !== 'json') throw new Error(`bad CAPTURE_ENCODING ${encoding}`);
  return {
    openaiBaseUrl: required('CAPTURE_OPENAI_URL'),
    sinkUrl: required('CAPTURE_SINK_URL'),
    encoding,
    reportPath: required('CAPTURE_REPORT'),
  };
}

export interface Telemetry {
  tracerProvider: TracerProvider;
  loggerProvider: LoggerProvider;
  appTracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * Nothing is exported until the final flush, which then sends batches of 5: a session's spans and
 * a span's log records land in several requests, as they do from a long-running app.
 */
const BATCH = { maxExportBatchSize: 5, scheduledDelayMillis: 600_000, maxQueueSize: 4096 };

/** `spanProcessors` run before the exporting one (e.g. a library's attribute-stamping processor). */
export function startTelemetry(
  env: AppEnv,
  serviceName: string,
  spanProcessors: SpanProcessor[] = [],
): Telemetry {
  const resource = resourceFromAttributes({
    'service.name': serviceName,
    'deployment.environment.name': 'capture',
  });
  const traces = `${env.sinkUrl}/v1/traces`;
  const logsUrl = `${env.sinkUrl}/v1/logs`;
  const spanExporter =
    env.encoding === 'protobuf'
      ? new ProtoTraceExporter({ url: traces })
      : new JsonTraceExporter({ url: traces });
  const logExporter =
    env.encoding === 'protobuf'
      ? new ProtoLogExporter({ url: logsUrl })
      : new JsonLogExporter({ url: logsUrl });
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [...spanProcessors, new BatchSpanProcessor({ exporter: spanExporter, ...BATCH })],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: logExporter, ...BATCH })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  return {
    tracerProvider,
    loggerProvider,
    appTracer: tracerProvider.getTracer('parley-capture-app'),
    async shutdown() {
      await tracerProvider.forceFlush();
      await loggerProvider.forceFlush();
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();
    },
  };
}

/** Runs `fn` under an app span that carries no session, returning the trace id it ran in. */
export async function withoutSession(tracer: Tracer, fn: () => Promise<unknown>): Promise<string> {
  return tracer.startActiveSpan('handle-request', async (span) => {
    try {
      await fn();
      return span.spanContext().traceId;
    } finally {
      span.end();
    }
  });
}

export function writeReport(env: AppEnv, report: AppReport): void {
  writeFileSync(env.reportPath, JSON.stringify(report));
}
