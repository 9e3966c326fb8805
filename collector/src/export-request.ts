/**
 * One OTLP Export call, independent of transport: decode, hand to the pipeline, wait until
 * durable, build the response. HTTP and gRPC only translate the outcome into their status codes.
 */
import { decodeLogs, decodeTraces, encodeExportResponse } from '@parley/shared/otlp/decode';
import type { Problem } from '@parley/shared/otlp';
import type { Admission } from './admission.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import type { IngestRequest, Pipeline } from './pipeline-types.ts';

export type Signal = 'traces' | 'logs';
export type Encoding = 'protobuf' | 'json';

export type ExportOutcome =
  | { kind: 'ok'; accepted: number; rejected: number; response: Uint8Array }
  | { kind: 'malformed'; message: string }
  | { kind: 'overloaded'; retryAfterSeconds: number }
  | { kind: 'closing' }
  | { kind: 'failed'; message: string };

export interface ExportDeps {
  pipeline: Pipeline;
  metrics: Metrics;
  log: Logger;
  admission: Admission;
  /** False once shutdown has begun: requests on connections still open are refused. */
  accepting: () => boolean;
}

export async function exportRequest(
  deps: ExportDeps,
  signal: Signal,
  body: Uint8Array,
  encoding: Encoding,
): Promise<ExportOutcome> {
  if (!deps.accepting()) return { kind: 'closing' };
  if (body.byteLength === 0) return { kind: 'malformed', message: 'empty request body' };

  let request: IngestRequest;
  let rejected: number;
  let problems: Problem[];
  // The pipeline logs the body itself and decodes it again when it writes Parquet: here only
  // validity, counts and problems matter, so string values are checked but not built (about half
  // the decode time on the ack path, bench-collector 2026-11-26).
  if (signal === 'traces') {
    const decoded = decodeTraces(body, encoding, { text: false });
    if (!decoded.ok) return { kind: 'malformed', message: decoded.error };
    request = { signal, spans: decoded.value, raw: { body, encoding } };
    ({ rejected, problems } = decoded);
  } else {
    const decoded = decodeLogs(body, encoding, { text: false });
    if (!decoded.ok) return { kind: 'malformed', message: decoded.error };
    request = { signal, logs: decoded.value, raw: { body, encoding } };
    ({ rejected, problems } = decoded);
  }

  const count = request.signal === 'traces' ? request.spans.length : request.logs.length;
  if (count > 0) {
    let result;
    try {
      result = await deps.pipeline.ingest(request);
    } catch (error) {
      deps.log.log('error', 'ingest_failed', { signal, error: String(error) });
      return { kind: 'failed', message: 'the collector could not store the request' };
    }
    if (!result.ok) {
      return result.reason === 'overloaded'
        ? { kind: 'overloaded', retryAfterSeconds: result.retryAfterSeconds }
        : { kind: 'closing' };
    }
  }

  if (signal === 'traces') deps.metrics.spansRejected += rejected;
  else deps.metrics.logsRejected += rejected;
  if (rejected > 0 || problems.length > 0) {
    deps.log.log('warn', 'decode_problems', {
      signal,
      accepted: count,
      rejected,
      problems: problems.slice(0, 5),
    });
  }
  // OTLP allows partial_success with nothing rejected: the message is then a warning to the sender.
  const partial =
    rejected > 0 || problems.length > 0
      ? { rejected, message: partialMessage(signal, rejected, problems) }
      : null;
  return { kind: 'ok', accepted: count, rejected, response: encodeExportResponse(signal, partial, encoding) };
}

function partialMessage(signal: Signal, rejected: number, problems: readonly Problem[]): string {
  const what = signal === 'traces' ? 'spans' : 'log records';
  const reasons = [...new Set(problems.map((p) => p.message))].slice(0, 3);
  const head = rejected > 0 ? `${rejected} ${what} rejected` : 'accepted with warnings';
  return reasons.length === 0 ? head : `${head}: ${reasons.join('; ')}`;
}
