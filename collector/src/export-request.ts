/**
 * One OTLP Export call, independent of transport: decode, hand to the pipeline, wait until
 * durable, build the response. HTTP and gRPC only translate the outcome into their status codes.
 */
import { encodeExportResponse } from '@parley/shared/otlp/decode';
import type { Problem } from '@parley/shared/otlp';
import type { Admission } from './admission.ts';
import type { JsonDecoder } from './json-decoder.ts';
import type { Logger } from './log.ts';
import { throttledLog } from './log-throttle.ts';
import type { Metrics } from './metrics.ts';
import { MAX_RETRY_AFTER_SECONDS, type Pipeline } from './pipeline-types.ts';
import { decodeSummary } from './request-decode.ts';
import type { DecodeSummary, Encoding, Signal } from './request-decode.ts';

export type { Encoding, Signal } from './request-decode.ts';

export type ExportOutcome =
  | { kind: 'ok'; accepted: number; rejected: number; response: Uint8Array }
  | { kind: 'malformed'; message: string }
  | { kind: 'overloaded'; retryAfterSeconds: number }
  | { kind: 'closing' }
  /**
   * Not stored (storage failing, a decoder thread lost): the sender is to retry later. OTLP
   * exporters retry only 429, 502, 503 and 504 (gRPC UNAVAILABLE): a 500 would have them drop it.
   */
  | { kind: 'failed'; message: string; retryAfterSeconds: number };

export interface ExportDeps {
  pipeline: Pipeline;
  metrics: Metrics;
  log: Logger;
  admission: Admission;
  /** Large JSON bodies are decoded here, off the receivers' thread (see json-decoder.ts). */
  jsonDecoder: JsonDecoder;
  /** False once shutdown has begun: requests on connections still open are refused. */
  accepting: () => boolean;
}

/** A failing disk refuses every request: one error line per 10 s, with the count since. */
const logFailure = throttledLog(10_000);

/** Space, tab, newline and return: the only bytes below 0x21 JSON text may hold. */
const JSON_SPACE: readonly number[] = [0x20, 0x09, 0x0a, 0x0d];

/**
 * A body that failed to decode but looks like the other encoding was most likely sent with the
 * wrong Content-Type (an exporter configured for one protocol, a hand-written curl).
 */
function contentTypeHint(body: Uint8Array, encoding: Encoding): string {
  let first = 0;
  while (first < body.length && JSON_SPACE.includes(body[first] as number)) first++;
  const opens = body[first];
  if (encoding === 'protobuf' && (opens === 0x7b || opens === 0x5b))
    return ' (the body looks like JSON: send it with Content-Type: application/json)';
  // OTLP protobuf requests start with field 1, length-delimited (0x0a); JSON text has no control
  // bytes besides tab, newline and return, and protobuf lengths and tags soon give one.
  const head = body.subarray(0, 32);
  const binary = head.some((b) => b < 0x20 && !JSON_SPACE.includes(b));
  if (encoding === 'json' && body[0] === 0x0a && binary)
    return ' (the body looks like protobuf: send it with Content-Type: application/x-protobuf)';
  return '';
}

async function decode(
  deps: ExportDeps,
  signal: Signal,
  body: Uint8Array,
  encoding: Encoding,
): Promise<{ summary: DecodeSummary; body: Uint8Array } | { failed: string }> {
  if (encoding === 'json' && deps.jsonDecoder.takes(body)) return deps.jsonDecoder.decode(signal, body);
  return { summary: decodeSummary(signal, body, encoding), body };
}

export async function exportRequest(
  deps: ExportDeps,
  signal: Signal,
  received: Uint8Array,
  encoding: Encoding,
): Promise<ExportOutcome> {
  if (!deps.accepting()) return { kind: 'closing' };
  if (received.byteLength === 0) return { kind: 'malformed', message: 'empty request body' };

  const decoded = await decode(deps, signal, received, encoding);
  if ('failed' in decoded) {
    logFailure(deps.log, 'error', 'decode_failed', 'decode_failed', { signal, error: decoded.failed });
    return {
      kind: 'failed',
      message: 'the collector could not decode the request, retry later',
      retryAfterSeconds: MAX_RETRY_AFTER_SECONDS,
    };
  }
  const { summary, body } = decoded;
  if (!summary.ok) return { kind: 'malformed', message: summary.error + contentTypeHint(body, encoding) };
  const { items: count, rejected, problems } = summary;

  if (count > 0) {
    let result;
    try {
      result = await deps.pipeline.ingest({ signal, raw: { body, encoding }, items: count });
    } catch (error) {
      logFailure(deps.log, 'error', 'ingest_failed', 'ingest_failed', { signal, error: String(error) });
      return {
        kind: 'failed',
        message: 'the collector could not store the request, retry later',
        retryAfterSeconds: MAX_RETRY_AFTER_SECONDS,
      };
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
