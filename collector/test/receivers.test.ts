/**
 * Receiver behaviour that depends on what the pipeline answers (back-pressure, shutdown, storage
 * failure), over real HTTP and gRPC, with a pipeline scripted by the test.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeTraces } from '@parley/shared/otlp/decode';
import type { CollectorConfig } from '../src/config.ts';
import { bindAddress } from '../src/grpc/server.ts';
import { silentLogger } from '../src/log.ts';
import { startCollector, type RunningCollector } from '../src/server.ts';
import { get, post, tempDir } from './helpers/http.ts';
import { grpcExport } from './helpers/grpc-client.ts';
import { CONTENT_TYPE, makeSimpleSpans, makeSpans, tracesBody } from './helpers/otlp-bodies.ts';
import { scriptedPipeline, type ScriptedPipeline } from './helpers/scripted-pipeline.ts';

// Real servers, DuckDB and child processes on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let pipeline: ScriptedPipeline;
let collector: RunningCollector;
let url: string;
let body: Uint8Array;
let dataDir: string;

function configFor(token: string | null): CollectorConfig {
  return {
    port: 0,
    grpcPort: 0,
    host: '127.0.0.1',
    dataDir,
    token,
    flushSpans: 10,
    flushIntervalMs: 1000,
    retentionDays: null,
    maxBodyBytes: 1 << 20,
    maxBacklogBytes: 1 << 30,
    shutdownDrainMs: 10_000,
    carryMaxAgeMs: 60_000,
    corsOrigins: ['https://viewer.example'],
    pricesFile: null,
    viewerDir: null,
    logLevel: 'info',
  };
}

async function start(token: string | null): Promise<RunningCollector> {
  return startCollector(configFor(token), { log: silentLogger, createPipeline: async () => pipeline });
}

beforeAll(async () => {
  pipeline = scriptedPipeline();
  dataDir = await tempDir();
  collector = await start(null);
  url = `http://127.0.0.1:${collector.httpPort}`;
  body = tracesBody(await makeSimpleSpans(3, 'r'), 'protobuf');
});
afterAll(async () => {
  await collector.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  pipeline.next = { ok: true, accepted: 3 };
  pipeline.received.length = 0;
});

describe('receivers and the pipeline answer', () => {
  it('hands the body and its span count to the pipeline and acknowledges with an empty response', async () => {
    const reply = await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/x-protobuf');
    expect(reply.body.length).toBe(0);
    const request = pipeline.received[0];
    if (request === undefined || !('raw' in request)) throw new Error('no body handed over');
    expect([request.signal, request.items]).toEqual(['traces', 3]);
    // The pipeline logs the body as received; decoding it again gives the spans.
    expect(Buffer.from(request.raw.body).equals(Buffer.from(body))).toBe(true);
    const again = decodeTraces(request.raw.body, 'protobuf');
    expect(again.ok && again.value.map((s) => s.name)).toEqual(['r-0', 'r-1', 'r-2']);
  });

  it('answers 429 with Retry-After when the pipeline is overloaded, and gRPC UNAVAILABLE', async () => {
    pipeline.next = { ok: false, reason: 'overloaded', retryAfterSeconds: 7 };
    const reply = await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(reply.text).toContain('ingest queue is full');
    const viaGrpc = await grpcExport(collector.grpcPort as number, 'traces', body);
    expect(viaGrpc).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
  });

  it('answers 503 while closing', async () => {
    pipeline.next = { ok: false, reason: 'closing' };
    const reply = await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).not.toBeNull();
  });

  it('on shutdown, a busy keep-alive connection gets 503 and is closed, not answered 200 through the drain', async () => {
    const own = scriptedPipeline();
    own.next = { ok: true, accepted: 3 };
    let open = (): void => {};
    own.hold = new Promise((resolve) => (open = resolve));
    const events: string[] = [];
    const c = await startCollector(
      { ...configFor(null), grpcPort: null },
      {
        log: { log: (_level, event) => void events.push(event) },
        createPipeline: async () => own,
      },
    );
    const base = `http://127.0.0.1:${c.httpPort}`;
    // One connection: the second request waits for the first one's and reuses it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (): Promise<{ status: number; connection: string | undefined } | { error: string }> =>
      new Promise((resolve) => {
        const req = http.request(
          `${base}/v1/traces`,
          { method: 'POST', agent, headers: { 'Content-Type': CONTENT_TYPE.protobuf } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
        req.end(body);
      });
    const first = send();
    const second = send();
    const active = async (): Promise<number> =>
      Number(/^parley_exports_active (\d+)$/m.exec((await get(`${base}/metrics`)).text)?.[1]);
    while ((await active()) < 1) await new Promise((r) => setImmediate(r));
    const closed = c.close();
    open();
    // Stored before shutdown began: acknowledged.
    expect(await first).toMatchObject({ status: 200 });
    const after = await second;
    expect(after).not.toMatchObject({ status: 200 });
    if ('status' in after) expect(after).toEqual({ status: 503, connection: 'close' });
    await closed;
    agent.destroy();
    expect(own.received).toHaveLength(1);
    expect(events).toContain('shutdown_complete');
    expect(events).not.toContain('shutdown_connections_cut');
  });

  it('answers 503 with Retry-After when storage fails (what exporters retry), and keeps serving', async () => {
    pipeline.next = new Error('disk full');
    const failed = await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('5');
    pipeline.next = new Error('disk full');
    const viaGrpc = await grpcExport(collector.grpcPort as number, 'traces', body);
    expect(viaGrpc).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
    pipeline.next = { ok: true, accepted: 3 };
    const ok = await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(ok.status).toBe(200);
    const health = await get(`${url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('logs a run of storage failures once, not once per refused request', async () => {
    const logged: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const failing = scriptedPipeline();
    const c = await startCollector(
      { ...configFor(null), grpcPort: null },
      {
        log: { log: (_level, event, fields = {}) => void logged.push({ event, fields }) },
        createPipeline: async () => failing,
      },
    );
    try {
      for (let i = 0; i < 3; i++) {
        failing.next = new Error('ENOSPC: no space left on device');
        const reply = await post(`http://127.0.0.1:${c.httpPort}/v1/traces`, body, {
          'Content-Type': CONTENT_TYPE.protobuf,
        });
        expect(reply.status).toBe(503);
      }
      const failures = logged.filter((l) => l.event === 'ingest_failed');
      expect(failures).toHaveLength(1);
      expect(failures[0]?.fields.error).toContain('ENOSPC');
    } finally {
      await c.close();
    }
  });

  it('logs refused requests (why, from where), once a minute per kind and sender', async () => {
    const logged: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const c = await startCollector(
      { ...configFor('secret'), grpcPort: 0 },
      {
        log: { log: (_level, event, fields = {}) => void logged.push({ event, fields }) },
        createPipeline: async () => scriptedPipeline(),
      },
    );
    try {
      const auth = {
        Authorization: 'Bearer secret',
        'Content-Type': 'application/json',
        'User-Agent': 'app/1',
      };
      for (let i = 0; i < 3; i++) {
        const bad = await post(
          `http://127.0.0.1:${c.httpPort}/v1/traces`,
          new TextEncoder().encode('{'),
          auth,
        );
        expect(bad.status).toBe(400);
      }
      const denied = await post(`http://127.0.0.1:${c.httpPort}/v1/logs`, body, {
        'Content-Type': CONTENT_TYPE.protobuf,
      });
      expect(denied.status).toBe(401);
      expect(await grpcExport(c.grpcPort as number, 'traces', body)).toMatchObject({
        code: grpc.status.UNAUTHENTICATED,
      });
      const rejected = logged.filter((l) => l.event === 'request_rejected').map((l) => l.fields);
      expect(rejected).toEqual([
        expect.objectContaining({ transport: 'http', route: '/v1/traces', status: 400, user_agent: 'app/1' }),
        expect.objectContaining({ transport: 'http', route: '/v1/logs', status: 401 }),
        expect.objectContaining({ transport: 'grpc', status: 'UNAUTHENTICATED' }),
      ]);
      expect(String(rejected[0]?.reason)).toMatch(/JSON/);
      expect(String(rejected[0]?.remote)).toMatch(/127\.0\.0\.1/);
    } finally {
      await c.close();
    }
  });

  it('tells an exporter aimed at the wrong path where OTLP goes, counts it, and logs each path once', async () => {
    const logged: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const c = await startCollector(
      { ...configFor(null), grpcPort: null },
      {
        log: { log: (_level, event, fields = {}) => void logged.push({ event, fields }) },
        createPipeline: async () => scriptedPipeline(),
      },
    );
    try {
      const base = `http://127.0.0.1:${c.httpPort}`;
      // OTEL_EXPORTER_OTLP_ENDPOINT set to the traces URL: the SDK appends /v1/traces again.
      for (let i = 0; i < 2; i++) {
        const reply = await post(`${base}/v1/traces/v1/traces`, body, {
          'Content-Type': CONTENT_TYPE.protobuf,
        });
        expect(reply.status).toBe(404);
        expect(JSON.parse(reply.text).error).toContain('OTEL_EXPORTER_OTLP_ENDPOINT is the base URL');
      }
      expect((await post(`${base}/v1/metrics`, body, { 'Content-Type': CONTENT_TYPE.protobuf })).status).toBe(
        404,
      );
      expect((await get(`${base}/nothing-here`)).status).toBe(404);
      expect(logged.filter((l) => l.event === 'request_misdirected').map((l) => l.fields.path)).toEqual([
        '/v1/traces/v1/traces',
        '/v1/metrics',
      ]);
      expect((await get(`${base}/metrics`)).text).toContain(
        'parley_requests_total{transport="http",route="unmatched",status="404"} 4',
      );
    } finally {
      await c.close();
    }
  });

  it('reports failing storage in /healthz and /metrics until it works again', async () => {
    pipeline.storageError = {
      at: '2026-11-27T12:00:00.000Z',
      event: 'storage.maintenance_failed',
      error: 'Error: ENOSPC: no space left on device, write',
    };
    const degraded = await get(`${url}/healthz`);
    expect(degraded.status).toBe(503);
    expect(JSON.parse(degraded.text)).toMatchObject({
      status: 'degraded',
      storageError: { event: 'storage.maintenance_failed', error: expect.stringContaining('ENOSPC') },
    });
    expect((await get(`${url}/metrics`)).text).toContain('parley_storage_failing 1');
    pipeline.storageError = null;
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await get(`${url}/metrics`)).text).toContain('parley_storage_failing 0');
  });

  it('counts requests by status in /metrics', async () => {
    pipeline.next = { ok: false, reason: 'overloaded', retryAfterSeconds: 1 };
    await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
    const metrics = await get(`${url}/metrics`);
    expect(metrics.text).toMatch(
      /parley_requests_total\{transport="http",route="\/v1\/traces",status="429"\} [1-9]/,
    );
    expect(metrics.text).toContain('parley_queue_depth 0');
  });

  it('bounds concurrent exports: the excess waits, past the waiting room it gets 429', async () => {
    let open = (): void => {};
    pipeline.hold = new Promise((resolve) => (open = resolve));
    const send = (): Promise<number> =>
      post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf }).then((r) => r.status);
    const admitted = Array.from({ length: 4 + 64 }, send);
    const gauge = async (name: string): Promise<number> =>
      Number(new RegExp(`^${name} (\\d+)$`, 'm').exec((await get(`${url}/metrics`)).text)?.[1]);
    while ((await gauge('parley_exports_waiting')) < 64) await new Promise((r) => setImmediate(r));
    expect(await gauge('parley_exports_active')).toBe(4);
    const refused = await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    pipeline.hold = null;
    open();
    expect(new Set(await Promise.all(admitted))).toEqual(new Set([200]));
    expect(await gauge('parley_exports_active')).toBe(0);
  });

  it('reads bodies before taking an export slot: senders stalled mid-body hold none', async () => {
    // More stalled uploads than there are slots (4), as slow links or a stuck proxy leave them.
    const stalled = Array.from({ length: 5 }, () => {
      const socket = net.connect(collector.httpPort, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(Buffer.from(body).subarray(0, 10));
      return socket;
    });
    try {
      const gauge = async (name: string): Promise<number> =>
        Number(new RegExp(`^${name} (\\d+)$`, 'm').exec((await get(`${url}/metrics`)).text)?.[1]);
      // Each holds the length it declared in the receivers' byte budget, and no slot.
      while ((await gauge('parley_request_body_bytes')) < 5 * body.length)
        await new Promise((r) => setImmediate(r));
      expect(await gauge('parley_exports_active')).toBe(0);
      const reply = await post(`${url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.protobuf });
      expect(reply.status).toBe(200);
      expect(await grpcExport(collector.grpcPort as number, 'traces', body)).toMatchObject({ ok: true });
    } finally {
      for (const socket of stalled) socket.destroy();
    }
  });

  it('counts a waiting gRPC message in the receivers byte budget: UNAVAILABLE while HTTP uploads fill it', async () => {
    const max = configFor(null).maxBodyBytes;
    // Four uploads declaring --max-body each take the whole budget (4 × --max-body).
    const stalled = Array.from({ length: 4 }, () => {
      const socket = net.connect(collector.httpPort, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${max}\r\n\r\n`,
      );
      socket.write(Buffer.from(body).subarray(0, 10));
      return socket;
    });
    const gauge = async (): Promise<number> =>
      Number(/^parley_request_body_bytes (\d+)$/m.exec((await get(`${url}/metrics`)).text)?.[1]);
    try {
      while ((await gauge()) < 4 * max) await new Promise((r) => setImmediate(r));
      const refused = await grpcExport(collector.grpcPort as number, 'traces', body);
      expect(refused).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
    } finally {
      for (const socket of stalled) socket.destroy();
    }
    while ((await gauge()) > 0) await new Promise((r) => setImmediate(r));
    expect(await grpcExport(collector.grpcPort as number, 'traces', body)).toMatchObject({ ok: true });
  });

  it('answers CORS preflight for allowed origins only', async () => {
    const allowed = await get(
      `${url}/v1/traces`,
      { Origin: 'https://viewer.example', 'Access-Control-Request-Method': 'POST' },
      'OPTIONS',
    );
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://viewer.example');
    const other = await get(
      `${url}/v1/traces`,
      { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      'OPTIONS',
    );
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('OTLP/gRPC', () => {
  it('binds IPv6 hosts bracketed, as grpc-js needs them', () => {
    expect(bindAddress('::', 4317)).toBe('[::]:4317');
    expect(bindAddress('::1', 0)).toBe('[::1]:0');
    expect(bindAddress('127.0.0.1', 4317)).toBe('127.0.0.1:4317');
    expect(bindAddress('localhost', 4317)).toBe('localhost:4317');
  });

  it('exports traces through the same pipeline', async () => {
    const reply = await grpcExport(collector.grpcPort as number, 'traces', body);
    expect(reply).toEqual({ ok: true, body: Buffer.alloc(0) });
    const request = pipeline.received[0];
    expect(request !== undefined && 'raw' in request && [request.signal, request.items]).toEqual([
      'traces',
      3,
    ]);
  });

  it('accepts gzip-compressed messages and refuses oversized ones', async () => {
    const compressed = await grpcExport(collector.grpcPort as number, 'traces', body, undefined, {
      gzip: true,
    });
    expect(compressed).toMatchObject({ ok: true });
    const [huge] = await makeSpans([{ name: 'huge', attributes: { blob: 'x'.repeat(2 << 20) } }]);
    const tooBig = await grpcExport(
      collector.grpcPort as number,
      'traces',
      tracesBody([huge!], 'protobuf'),
      undefined,
      {
        gzip: true,
      },
    );
    expect(tooBig).toMatchObject({ ok: false, code: grpc.status.RESOURCE_EXHAUSTED });
  });

  it('answers INVALID_ARGUMENT for a malformed message', async () => {
    const reply = await grpcExport(collector.grpcPort as number, 'logs', body.subarray(0, body.length - 3));
    expect(reply).toMatchObject({ ok: false, code: grpc.status.INVALID_ARGUMENT });
    expect(pipeline.received).toEqual([]);
  });

  it('requires the bearer token in metadata when one is configured', async () => {
    const secured = await start('grpc-secret');
    try {
      const port = secured.grpcPort as number;
      expect(await grpcExport(port, 'traces', body)).toMatchObject({
        ok: false,
        code: grpc.status.UNAUTHENTICATED,
      });
      expect(await grpcExport(port, 'traces', body, 'wrong')).toMatchObject({
        ok: false,
        code: grpc.status.UNAUTHENTICATED,
      });
      expect(await grpcExport(port, 'traces', body, 'grpc-secret')).toMatchObject({ ok: true });
    } finally {
      await secured.close();
    }
  });
});
