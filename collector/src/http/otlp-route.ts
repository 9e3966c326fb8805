/**
 * POST /v1/traces and /v1/logs: auth, content negotiation, bounded body, then the shared export
 * logic; statuses and bodies follow the OTLP/HTTP specification.
 */
import type { RequestHandler } from 'express';
import { bearerMatches } from '../auth.ts';
import {
  exportRequest,
  type Encoding,
  type ExportDeps,
  type ExportOutcome,
  type Signal,
} from '../export-request.ts';
import { throttledLog } from '../log-throttle.ts';
import { countRequest, observeAck } from '../metrics.ts';
import { encodeStatus, RpcCode } from '../rpc-status.ts';
import type { BodyBudget } from '../body-budget.ts';
import { inflateBody, readBody } from './read-body.ts';

export interface OtlpRouteOptions {
  token: string | null;
  maxBodyBytes: number;
  /** Shared by the routes: the request bytes held while bodies arrive and wait for a slot. */
  bodyBudget: BodyBudget;
}

/** One line per kind of refusal and sender a minute (a misconfigured exporter retries fast). */
const logRejection = throttledLog(60_000);

const CONTENT_TYPES: Record<string, Encoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

export function otlpRoute(signal: Signal, deps: ExportDeps, options: OtlpRouteOptions): RequestHandler {
  const route = `/v1/${signal}`;
  return async (req, res) => {
    const started = performance.now();
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const encoding = CONTENT_TYPES[mediaType];
    const reply = (
      status: number,
      body: Uint8Array,
      enc: Encoding,
      headers: Record<string, string> = {},
    ): void => {
      countRequest(deps.metrics, 'http', route, status);
      res.status(status);
      res.setHeader('Content-Type', enc === 'json' ? 'application/json' : 'application/x-protobuf');
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.end(body);
    };
    const fail = (
      status: number,
      code: number,
      message: string,
      enc: Encoding,
      headers?: Record<string, string>,
    ): void => {
      // The sender hears why; the operator asked "why is this team's data missing" had nothing.
      if (status >= 400 && status < 500 && status !== 429) {
        logRejection(
          deps.log,
          'warn',
          'request_rejected',
          `http ${status} ${req.socket.remoteAddress ?? ''}`,
          {
            transport: 'http',
            route,
            status,
            reason: message.slice(0, 300),
            remote: req.socket.remoteAddress ?? null,
            user_agent: (req.headers['user-agent'] ?? '').slice(0, 200) || null,
          },
        );
      }
      if (!req.complete) {
        // The rest of the upload is discarded; close rather than keep a connection mid-body.
        res.setHeader('Connection', 'close');
        req.resume();
      }
      reply(status, encodeStatus(code, message, enc), enc, headers);
    };

    if (options.token !== null && !bearerMatches(options.token, req.headers.authorization)) {
      fail(401, RpcCode.UNAUTHENTICATED, 'missing or invalid bearer token', encoding ?? 'json', {
        'WWW-Authenticate': 'Bearer',
      });
      return;
    }
    if (encoding === undefined) {
      const shown = mediaType === '' ? 'none' : mediaType.slice(0, 100);
      fail(
        415,
        RpcCode.INVALID_ARGUMENT,
        `unsupported Content-Type: ${shown} (use application/x-protobuf or application/json)`,
        'json',
      );
      return;
    }
    const failBody = (status: number, message: string): void => {
      const retry = status === 429 ? { 'Retry-After': '1' } : undefined;
      const code =
        status === 429
          ? RpcCode.UNAVAILABLE
          : status === 413
            ? RpcCode.RESOURCE_EXHAUSTED
            : RpcCode.INVALID_ARGUMENT;
      fail(status, code, message, encoding, retry);
    };
    // The body is read before a slot is taken: a slow upload holds its bytes, not a slot.
    const lease = options.bodyBudget.lease();
    let outcome: ExportOutcome;
    try {
      const received = await readBody(req, options.maxBodyBytes, lease);
      if (!received.ok) {
        failBody(received.status, received.message);
        return;
      }
      const release = await deps.admission.acquire();
      if (release === null) {
        fail(429, RpcCode.UNAVAILABLE, 'too many concurrent requests, retry later', encoding, {
          'Retry-After': '1',
        });
        return;
      }
      try {
        const body = inflateBody(received, options.maxBodyBytes);
        if (!body.ok) {
          failBody(body.status, body.message);
          return;
        }
        outcome = await exportRequest(deps, signal, body.body, encoding);
      } finally {
        release();
      }
    } finally {
      lease.release();
    }
    switch (outcome.kind) {
      case 'ok':
        observeAck(deps.metrics, (performance.now() - started) / 1000);
        reply(200, outcome.response, encoding);
        return;
      case 'malformed':
        fail(400, RpcCode.INVALID_ARGUMENT, outcome.message, encoding);
        return;
      case 'overloaded':
        fail(429, RpcCode.UNAVAILABLE, 'ingest queue is full, retry later', encoding, {
          'Retry-After': String(outcome.retryAfterSeconds),
        });
        return;
      case 'closing':
        fail(503, RpcCode.UNAVAILABLE, 'collector is shutting down', encoding, { 'Retry-After': '5' });
        return;
      case 'failed':
        fail(503, RpcCode.UNAVAILABLE, outcome.message, encoding, {
          'Retry-After': String(outcome.retryAfterSeconds),
        });
        return;
    }
  };
}
