/**
 * OTLP/gRPC: TraceService/Export and LogsService/Export. Messages stay raw bytes through grpc-js
 * (identity serializers, no .proto needed) and go through the same export logic as HTTP.
 */
import * as grpc from '@grpc/grpc-js';
import { bearerMatches } from '../auth.ts';
import type { BodyBudget } from '../body-budget.ts';
import { exportRequest, type ExportDeps, type ExportOutcome, type Signal } from '../export-request.ts';
import { throttledLog } from '../log-throttle.ts';
import { countRequest, observeAck } from '../metrics.ts';

const identity = (b: Buffer): Buffer => b;

function exportMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

export interface GrpcOptions {
  host: string;
  port: number;
  token: string | null;
  maxBodyBytes: number;
  /** Shared with the HTTP receivers: what a call's message holds while it waits for a slot. */
  bodyBudget: BodyBudget;
}

export interface GrpcReceiver {
  port: number;
  close(): Promise<void>;
}

/** host:port for grpc-js: an IPv6 literal is bracketed, or grpc-js reads its last group as the port. */
export function bindAddress(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

export async function startGrpc(deps: ExportDeps, options: GrpcOptions): Promise<GrpcReceiver> {
  // grpc-js writes its own diagnostics to stderr as plain text; the collector's stderr is JSON
  // lines, so they go through its logger (what matters, such as a failed bind, also comes back
  // as an error from the call that failed).
  grpc.setLogger({
    error: (...args: unknown[]) => deps.log.log('warn', 'grpc', { message: args.map(String).join(' ') }),
  });
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_send_message_length': 1024 * 1024,
  });
  server.addService(
    { Export: exportMethod(TRACE_EXPORT_PATH) },
    { Export: handler('traces', deps, options) },
  );
  server.addService({ Export: exportMethod(LOGS_EXPORT_PATH) }, { Export: handler('logs', deps, options) });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      bindAddress(options.host, options.port),
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => {
        if (error === null) resolve(bound);
        else
          reject(
            new Error(
              `gRPC could not listen on ${options.host}:${options.port} (--grpc-port): ${error.message}`,
            ),
          );
      },
    );
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 10_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/** One line per kind of refusal and peer a minute (a misconfigured exporter retries fast). */
const logRejection = throttledLog(60_000);

function handler(
  signal: Signal,
  deps: ExportDeps,
  options: GrpcOptions,
): grpc.handleUnaryCall<Buffer, Buffer> {
  const route = signal === 'traces' ? TRACE_EXPORT_PATH : LOGS_EXPORT_PATH;
  return (call, callback) => {
    const started = performance.now();
    const fail = (code: grpc.status, details: string, name: string): void => {
      countRequest(deps.metrics, 'grpc', route, name);
      if (code === grpc.status.UNAUTHENTICATED || code === grpc.status.INVALID_ARGUMENT) {
        const remote = call.getPeer();
        logRejection(deps.log, 'warn', 'request_rejected', `grpc ${name} ${remote}`, {
          transport: 'grpc',
          route,
          status: name,
          reason: details.slice(0, 300),
          remote,
          user_agent: String(call.metadata.get('user-agent')[0] ?? '').slice(0, 200) || null,
        });
      }
      callback({ code, details });
    };
    const authorization = call.metadata.get('authorization')[0];
    if (
      options.token !== null &&
      !bearerMatches(options.token, typeof authorization === 'string' ? authorization : undefined)
    ) {
      fail(grpc.status.UNAUTHENTICATED, 'missing or invalid bearer token', 'UNAUTHENTICATED');
      return;
    }
    const admitted = async (): Promise<ExportOutcome> => {
      const lease = options.bodyBudget.lease();
      try {
        if (!lease.take(call.request.length)) return { kind: 'overloaded', retryAfterSeconds: 1 };
        const release = await deps.admission.acquire();
        if (release === null) return { kind: 'overloaded', retryAfterSeconds: 1 };
        try {
          return await exportRequest(deps, signal, call.request, 'protobuf');
        } finally {
          release();
        }
      } finally {
        lease.release();
      }
    };
    admitted().then(
      (outcome) => {
        switch (outcome.kind) {
          case 'ok':
            observeAck(deps.metrics, (performance.now() - started) / 1000);
            countRequest(deps.metrics, 'grpc', route, 'OK');
            callback(
              null,
              Buffer.from(outcome.response.buffer, outcome.response.byteOffset, outcome.response.byteLength),
            );
            return;
          case 'malformed':
            fail(grpc.status.INVALID_ARGUMENT, outcome.message, 'INVALID_ARGUMENT');
            return;
          case 'overloaded':
            fail(
              grpc.status.UNAVAILABLE,
              `ingest queue is full, retry in ${outcome.retryAfterSeconds}s`,
              'UNAVAILABLE',
            );
            return;
          case 'closing':
            fail(grpc.status.UNAVAILABLE, 'collector is shutting down', 'UNAVAILABLE');
            return;
          case 'failed':
            fail(grpc.status.UNAVAILABLE, outcome.message, 'UNAVAILABLE');
            return;
        }
      },
      (error: unknown) => {
        deps.log.log('error', 'grpc_export_failed', { signal, error: String(error) });
        fail(grpc.status.INTERNAL, 'internal error', 'INTERNAL');
      },
    );
  };
}
