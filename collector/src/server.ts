/**
 * Starts and stops a whole collector: pipeline, HTTP (ingest, data, viewer) and gRPC. Shutdown
 * order matters for durability: stop accepting, let in-flight requests finish, then close the
 * pipeline (which flushes to Parquet and writes the manifest).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmission } from './admission.ts';
import type { CollectorConfig } from './config.ts';
import { startGrpc, type GrpcReceiver } from './grpc/server.ts';
import { createApp } from './http/app.ts';
import { createBodyBudget } from './body-budget.ts';
import { MAX_HEADER_BYTES, answerClientError } from './http/client-error.ts';
import { JSON_DECODER_IDLE_MS, JSON_OFF_THREAD_MIN_BYTES, createJsonDecoder } from './json-decoder.ts';
import type { JsonDecoderOptions } from './json-decoder.ts';
import type { Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import type { Pipeline } from './pipeline-types.ts';
import type { StorageConfig } from './storage/config.ts';

export type CreatePipeline = (config: StorageConfig) => Promise<Pipeline>;

export interface CollectorDeps {
  log: Logger;
  createPipeline: CreatePipeline;
  /** Overrides of the off-thread JSON decoder's settings (tests send small bodies through it). */
  jsonDecoder?: Partial<JsonDecoderOptions>;
}

export interface RunningCollector {
  httpPort: number;
  grpcPort: number | null;
  pipeline: Pipeline;
  /** Stop accepting, finish in-flight requests, flush and close the pipeline. Idempotent. */
  close(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 10_000;
/** Export requests decoded and ingested at once (each holds its body and rows in memory). */
const ACTIVE_EXPORTS = 4;
/** Requests allowed to wait for a slot before the receiver answers 429 / UNAVAILABLE. */
const WAITING_EXPORTS = 64;

export async function startCollector(
  config: CollectorConfig,
  { log, createPipeline, jsonDecoder }: CollectorDeps,
): Promise<RunningCollector> {
  const pipeline = await createPipeline({
    dataDir: config.dataDir,
    flushSpans: config.flushSpans,
    flushIntervalMs: config.flushIntervalMs,
    maxBacklogBytes: config.maxBacklogBytes,
    shutdownDrainMs: config.shutdownDrainMs,
    carryMaxAgeMs: config.carryMaxAgeMs,
    retentionDays: config.retentionDays,
    // The CLI checked the overrides file already; the materializer thread loads it again.
    prices: { overridesFile: config.pricesFile },
    logger: log,
  });
  let accepting = true;
  const deps = {
    accepting: () => accepting,
    pipeline,
    metrics: createMetrics(),
    log,
    admission: createAdmission(ACTIVE_EXPORTS, WAITING_EXPORTS),
    jsonDecoder: createJsonDecoder({
      minBytes: JSON_OFF_THREAD_MIN_BYTES,
      idleMs: JSON_DECODER_IDLE_MS,
      ...jsonDecoder,
    }),
  };
  // As many bytes as the slots' bodies could hold at the limit: bounded as when bodies were read
  // in a slot, but a slow sender holds only what it has sent.
  const bodyBudget = createBodyBudget(ACTIVE_EXPORTS * config.maxBodyBytes);
  const app = createApp(config, deps, config.viewerDir, bodyBudget);

  let http: Server | null = null;
  let grpc: GrpcReceiver | null = null;
  try {
    http = await new Promise<Server>((resolve, reject) => {
      const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
      server.on('clientError', answerClientError);
      // Named like gRPC's, so "address already in use" says which flag to change.
      const failed = (error: Error): void =>
        reject(
          new Error(`HTTP could not listen on ${config.host}:${config.port} (--port): ${error.message}`),
        );
      server.once('error', failed);
      server.listen(config.port, config.host, () => {
        server.off('error', failed);
        resolve(server);
      });
    });
    http.keepAliveTimeout = 65_000;
    if (config.grpcPort !== null) {
      grpc = await startGrpc(deps, {
        host: config.host,
        port: config.grpcPort,
        token: config.token,
        maxBodyBytes: config.maxBodyBytes,
        bodyBudget,
      });
    }
  } catch (error) {
    http?.close();
    await deps.jsonDecoder.close();
    await pipeline.close();
    throw error;
  }
  const httpServer = http;
  const grpcServer = grpc;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      log.log('info', 'shutdown_started', {});
      // Exporters keep connections alive: without this they were answered 200 through the whole
      // drain, and at its end the forced close cut requests already stored (retried: duplicates).
      accepting = false;
      const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const force = setTimeout(() => {
        log.log('warn', 'shutdown_connections_cut', { after_ms: DRAIN_TIMEOUT_MS });
        httpServer.closeAllConnections();
      }, DRAIN_TIMEOUT_MS);
      await Promise.all([drained, grpcServer?.close()]);
      clearTimeout(force);
      await deps.jsonDecoder.close();
      await pipeline.close();
      log.log('info', 'shutdown_complete', { ...pipeline.stats() });
    })();
    return closing;
  };

  return {
    httpPort: (httpServer.address() as AddressInfo).port,
    grpcPort: grpcServer?.port ?? null,
    pipeline,
    close,
  };
}
