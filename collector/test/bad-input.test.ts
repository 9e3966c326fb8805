/**
 * Every kind of bad request the issue names, against the real collector: right status and
 * message, the server stays up, and what was accepted before is stored intact exactly once.
 */
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestCollector, type TestCollector } from './helpers/collector.ts';
import { get, post } from './helpers/http.ts';
import { CONTENT_TYPE, makeSimpleSpans, makeSpans, spanIds, tracesBody } from './helpers/otlp-bodies.ts';
import { queryTable } from './helpers/parquet.ts';

// Real servers, DuckDB and child processes on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const MAX_BODY = 4 * 1024 * 1024;
let collector: TestCollector;
let traces: string;
let goodIds: string[];
let good: Uint8Array;

function decodeStatusJson(text: string): { code: number; message: string } {
  return JSON.parse(text) as { code: number; message: string };
}

beforeAll(async () => {
  collector = await startTestCollector({ maxBodyBytes: MAX_BODY });
  traces = `${collector.url}/v1/traces`;
  const spans = await makeSimpleSpans(10, 'good');
  goodIds = spanIds(spans);
  good = tracesBody(spans, 'protobuf');
  const first = await post(traces, good, { 'Content-Type': CONTENT_TYPE.protobuf });
  expect(first.status).toBe(200);
});
afterAll(async () => {
  await collector.close();
  await fs.rm(collector.dataDir, { recursive: true, force: true });
});

describe('bad input', () => {
  it('truncated protobuf -> 400 naming the problem', async () => {
    const reply = await post(traces, good.subarray(0, good.length - 7), {
      'Content-Type': CONTENT_TYPE.protobuf,
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe('application/x-protobuf');
    expect(reply.text).toMatch(/truncated protobuf.* at byte \d+/);
  });

  it('wrong field types -> 400 (protobuf wire type, JSON shape)', async () => {
    // resource_spans (field 1) sent as a varint instead of a length-delimited message.
    const wire = await post(traces, Uint8Array.from([0x08, 0x01]), { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(wire.status).toBe(400);
    expect(wire.text).toContain('field resource_spans has wire type 0, expected 2');
    const json = await post(traces, Buffer.from('{"resourceSpans":"nope"}'), {
      'Content-Type': CONTENT_TYPE.json,
    });
    expect(json.status).toBe(400);
    expect(decodeStatusJson(json.text)).toMatchObject({
      code: 3,
      message: expect.stringContaining('resourceSpans'),
    });
  });

  it('invalid JSON -> 400 with the parser message', async () => {
    const reply = await post(traces, Buffer.from('{"resourceSpans": ['), {
      'Content-Type': CONTENT_TYPE.json,
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(decodeStatusJson(reply.text).message).toMatch(/^invalid JSON: /);
  });

  it('a body sent with the other content type -> 400 that says which one it looks like', async () => {
    const json = Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x"}]}]}]}');
    const asProtobuf = await post(traces, json, { 'Content-Type': CONTENT_TYPE.protobuf });
    expect(asProtobuf.status).toBe(400);
    expect(asProtobuf.text).toContain('looks like JSON: send it with Content-Type: application/json');
    const asJson = await post(traces, good, { 'Content-Type': CONTENT_TYPE.json });
    expect(asJson.status).toBe(400);
    expect(decodeStatusJson(asJson.text).message).toContain('looks like protobuf');
    // A malformed body of the right type gets no such hint.
    const broken = await post(traces, Buffer.from('\n\n{"resourceSpans": ['), {
      'Content-Type': CONTENT_TYPE.json,
    });
    expect(decodeStatusJson(broken.text).message).not.toContain('looks like');
  });

  it('invalid UTF-8 -> accepted with U+FFFD and a warning in partial_success', async () => {
    const [span] = await makeSpans([{ name: 'utf8-PLACEHOLDER' }]);
    const json = Buffer.from(tracesBody([span!], 'json'));
    const at = json.indexOf('PLACEHOLDER');
    json[at] = 0xff;
    const reply = await post(traces, json, { 'Content-Type': CONTENT_TYPE.json });
    expect(reply.status).toBe(200);
    const response = JSON.parse(reply.text) as {
      partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
    };
    expect(response.partialSuccess?.errorMessage).toMatch(/UTF-8/);
    expect(Number(response.partialSuccess?.rejectedSpans ?? 0)).toBe(0);
  });

  it('a JSON body decoded on the worker thread (as large ones are) gets the same answer', async () => {
    const offThread = await startTestCollector({ maxBodyBytes: MAX_BODY }, { jsonDecoder: { minBytes: 0 } });
    try {
      const [span] = await makeSpans([{ name: 'worker-PLACEHOLDER' }]);
      const badUtf8 = Buffer.from(tracesBody([span!], 'json'));
      badUtf8[badUtf8.indexOf('PLACEHOLDER')] = 0xff;
      for (const body of [
        Buffer.from('{"resourceSpans": ['),
        Buffer.from('{"resourceSpans":"nope"}'),
        badUtf8,
      ]) {
        const here = await post(traces, body, { 'Content-Type': CONTENT_TYPE.json });
        const there = await post(`${offThread.url}/v1/traces`, body, { 'Content-Type': CONTENT_TYPE.json });
        expect([there.status, there.text]).toEqual([here.status, here.text]);
      }
      const spans = await makeSimpleSpans(5, 'worker');
      const stored = await post(`${offThread.url}/v1/traces`, tracesBody(spans, 'json'), {
        'Content-Type': CONTENT_TYPE.json,
      });
      expect(stored.status).toBe(200);
      await offThread.pipeline.flush();
      const rows = await queryTable(
        offThread.dataDir,
        'spans',
        'SELECT span_id FROM {table} ORDER BY span_id',
      );
      expect(rows.map((r) => r.span_id)).toEqual([...spanIds(spans), spanIds([span!])[0]].sort());
    } finally {
      await offThread.close();
      await fs.rm(offThread.dataDir, { recursive: true, force: true });
    }
  });

  it('empty body -> 400', async () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const reply = await post(traces, new Uint8Array(0), { 'Content-Type': CONTENT_TYPE[encoding] });
      expect(reply.status).toBe(400);
      expect(reply.text).toContain('empty request body');
    }
  });

  it('wrong content type -> 415', async () => {
    const reply = await post(traces, good, { 'Content-Type': 'text/plain' });
    expect(reply.status).toBe(415);
    expect(decodeStatusJson(reply.text).message).toContain('unsupported Content-Type: text/plain');
  });

  it('unsupported Content-Encoding -> 415, corrupt gzip -> 400', async () => {
    const zstd = await post(traces, good, {
      'Content-Type': CONTENT_TYPE.protobuf,
      'Content-Encoding': 'compress',
    });
    expect(zstd.status).toBe(415);
    const corrupt = await post(traces, Buffer.from('definitely not gzip'), {
      'Content-Type': CONTENT_TYPE.json,
      'Content-Encoding': 'gzip',
    });
    expect(corrupt.status).toBe(400);
    expect(decodeStatusJson(corrupt.text).message).toMatch(/^invalid gzip body/);
  });

  it('huge attribute: accepted below the limit, 413 above it', async () => {
    const [big] = await makeSpans([
      { name: 'big-attribute', attributes: { 'app.blob': 'x'.repeat(2 * 1024 * 1024) } },
    ]);
    const accepted = await post(traces, tracesBody([big!], 'protobuf'), {
      'Content-Type': CONTENT_TYPE.protobuf,
    });
    expect(accepted.status).toBe(200);
    const [huge] = await makeSpans([
      { name: 'huge-attribute', attributes: { 'app.blob': 'x'.repeat(MAX_BODY + 1) } },
    ]);
    const refused = await post(traces, tracesBody([huge!], 'protobuf'), {
      'Content-Type': CONTENT_TYPE.protobuf,
    });
    expect(refused.status).toBe(413);
    expect(refused.text).toContain(`limit of ${MAX_BODY} bytes`);
  });

  it('gzip bomb -> 413 without inflating it into memory', async () => {
    // 16 concatenated gzip members of 16 MiB of zeros: 256 MiB once inflated, ~260 KB on the wire.
    const member = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const before = process.memoryUsage().rss;
    const reply = await post(traces, bomb, {
      'Content-Type': CONTENT_TYPE.protobuf,
      'Content-Encoding': 'gzip',
    });
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('after decompression');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('raw deflate (no zlib header) is accepted as deflate, and a raw deflate bomb is 413', async () => {
    const spans = await makeSimpleSpans(3, 'raw-deflate');
    const reply = await post(traces, zlib.deflateRawSync(tracesBody(spans, 'protobuf')), {
      'Content-Type': CONTENT_TYPE.protobuf,
      'Content-Encoding': 'deflate',
    });
    expect(reply.status).toBe(200);
    await collector.pipeline.flush();
    const rows = await queryTable(
      collector.dataDir,
      'spans',
      "SELECT span_id FROM {table} WHERE name LIKE 'raw-deflate-%' ORDER BY span_id",
    );
    expect(rows.map((r) => r.span_id)).toEqual(spanIds(spans).sort());

    // 256 MiB of zeros in one raw stream, ~250 KB on the wire.
    const bomb = zlib.deflateRawSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const before = process.memoryUsage().rss;
    const refused = await post(traces, bomb, {
      'Content-Type': CONTENT_TYPE.protobuf,
      'Content-Encoding': 'deflate',
    });
    expect(refused.status).toBe(413);
    expect(refused.text).toContain('after decompression');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('the server stays up and the data accepted before is intact', async () => {
    expect((await get(`${collector.url}/healthz`)).status).toBe(200);
    await collector.pipeline.flush();
    const rows = await queryTable(
      collector.dataDir,
      'spans',
      "SELECT span_id, name, count(*)::INTEGER AS n FROM {table} WHERE name LIKE 'good-%' GROUP BY ALL ORDER BY name",
    );
    expect(rows.map((r) => r.span_id).sort()).toEqual([...goodIds].sort());
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const utf8 = await queryTable(
      collector.dataDir,
      'spans',
      "SELECT name FROM {table} WHERE name LIKE 'utf8-%'",
    );
    expect(utf8).toEqual([{ name: 'utf8-\uFFFDLACEHOLDER' }]);
  });
});

describe('authentication', () => {
  let secured: TestCollector;
  beforeAll(async () => {
    secured = await startTestCollector({ token: 'correct-horse' });
  });
  afterAll(async () => {
    await secured.close();
    await fs.rm(secured.dataDir, { recursive: true, force: true });
  });

  it('401 without or with a wrong token, 200 with the right one', async () => {
    const url = `${secured.url}/v1/traces`;
    const missing = await post(url, good, { 'Content-Type': CONTENT_TYPE.json });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(decodeStatusJson(missing.text).message).toBe('missing or invalid bearer token');
    const wrong = await post(url, good, {
      'Content-Type': CONTENT_TYPE.protobuf,
      Authorization: 'Bearer correct-horsf',
    });
    expect(wrong.status).toBe(401);
    const right = await post(url, good, {
      'Content-Type': CONTENT_TYPE.protobuf,
      Authorization: 'Bearer correct-horse',
    });
    expect(right.status).toBe(200);
  });
});
