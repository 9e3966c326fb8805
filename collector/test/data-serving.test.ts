/**
 * The read-only dataset under /data as the viewer reads it (Range, HEAD, ETag, CORS), nothing
 * outside it, health and metrics, and the built viewer at /.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCHEMA_VERSION } from '@parley/shared/schema';
import { startTestCollector, type TestCollector } from './helpers/collector.ts';
import { get, post, tempDir } from './helpers/http.ts';
import { CONTENT_TYPE, makeSimpleSpans, tracesBody } from './helpers/otlp-bodies.ts';
import { readManifest } from './helpers/parquet.ts';
import { rawGet } from './helpers/raw-http.ts';

// Real servers, DuckDB and child processes on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let collector: TestCollector;
let parquetPath: string;
let parquetBytes: Buffer;
let outside: string;

beforeAll(async () => {
  collector = await startTestCollector({ corsOrigins: ['https://viewer.example'] });
  const reply = await post(
    `${collector.url}/v1/traces`,
    tracesBody(await makeSimpleSpans(20, 'served'), 'protobuf'),
    { 'Content-Type': CONTENT_TYPE.protobuf },
  );
  expect(reply.status).toBe(200);
  await collector.pipeline.flush();
  const manifest = await readManifest(collector.dataDir);
  const file = manifest.files.find((f) => f.table === 'spans');
  if (file === undefined) throw new Error('no spans file in the manifest');
  parquetPath = file.path;
  parquetBytes = await fs.readFile(path.join(collector.dataDir, file.path));

  outside = await tempDir('parley-outside-');
  await fs.writeFile(path.join(outside, 'secret.parquet'), 'PAR1 secret');
  const trap = path.join(collector.dataDir, 'spans', 'date=1999-01-01', 'hour=00');
  await fs.mkdir(trap, { recursive: true });
  await fs.symlink(path.join(outside, 'secret.parquet'), path.join(trap, 'link.parquet'));
  await fs.symlink(outside, path.join(collector.dataDir, 'spans', 'date=1999-01-02'));
});
afterAll(async () => {
  await collector.close();
  await fs.rm(outside, { recursive: true, force: true });
  await fs.rm(collector.dataDir, { recursive: true, force: true });
});

describe('GET /data', () => {
  it('serves the manifest uncached with an ETag and honours If-None-Match', async () => {
    const reply = await get(`${collector.url}/data/manifest.json`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-cache');
    expect(JSON.parse(reply.text)).toMatchObject({ schema_version: SCHEMA_VERSION });
    const etag = reply.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await get(`${collector.url}/data/manifest.json`, { 'If-None-Match': etag as string });
    expect(again.status).toBe(304);
  });

  it('gives a replaced manifest a new ETag even with the same size and mtime', async () => {
    const file = path.join(collector.dataDir, 'manifest.json');
    const bytes = await fs.readFile(file);
    const stat = await fs.stat(file);
    const first = await get(`${collector.url}/data/manifest.json`);
    // Replaced as the collector does it (write, rename), same bytes, same times: a new inode only.
    await fs.writeFile(`${file}.test`, bytes);
    await fs.utimes(`${file}.test`, stat.atimeMs / 1000, stat.mtimeMs / 1000);
    await fs.rename(`${file}.test`, file);
    expect(Math.floor((await fs.stat(file)).mtimeMs)).toBe(Math.floor(stat.mtimeMs));
    const second = await get(`${collector.url}/data/manifest.json`, {
      'If-None-Match': first.headers.get('etag') as string,
    });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(second.body.equals(bytes)).toBe(true);
  });

  it('sends headers and bytes of one version of a manifest replaced while it is read', async () => {
    const file = path.join(collector.dataDir, 'manifest.json');
    const original = await fs.readFile(file, 'utf8');
    // Two versions of different lengths, swapped in by rename as fast as possible meanwhile.
    const versions = [original, JSON.stringify({ ...JSON.parse(original), note: 'x'.repeat(5000) })];
    let swapping = true;
    const swapper = (async () => {
      for (let i = 0; swapping; i++) {
        await fs.writeFile(`${file}.swap`, versions[i % 2] as string);
        await fs.rename(`${file}.swap`, file);
      }
    })();
    try {
      for (let round = 0; round < 20; round++) {
        const replies = await Promise.all(
          Array.from({ length: 10 }, () => get(`${collector.url}/data/manifest.json`)),
        );
        for (const r of replies) {
          expect(r.status).toBe(200);
          expect(versions).toContain(r.text);
        }
      }
    } finally {
      swapping = false;
      await swapper;
      await fs.writeFile(`${file}.swap`, original);
      await fs.rename(`${file}.swap`, file);
    }
  });

  it('serves an empty manifest from a new data dir before any data arrives', async () => {
    const fresh = await startTestCollector();
    try {
      const reply = await get(`${fresh.url}/data/manifest.json`);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.text)).toMatchObject({ schema_version: SCHEMA_VERSION, files: [] });
    } finally {
      await fresh.close();
      await fs.rm(fresh.dataDir, { recursive: true, force: true });
    }
  });

  it('serves Parquet whole, immutable, byte for byte', async () => {
    const reply = await get(`${collector.url}/data/${parquetPath}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toContain('immutable');
    expect(reply.headers.get('accept-ranges')).toBe('bytes');
    expect(reply.body.equals(parquetBytes)).toBe(true);
  });

  it('answers single ranges with 206 and impossible ones with 416', async () => {
    const size = parquetBytes.length;
    const head = await get(`${collector.url}/data/${parquetPath}`, { Range: 'bytes=0-3' });
    expect(head.status).toBe(206);
    expect(head.text).toBe('PAR1');
    expect(head.headers.get('content-range')).toBe(`bytes 0-3/${size}`);
    const footer = await get(`${collector.url}/data/${parquetPath}`, { Range: 'bytes=-8' });
    expect(footer.status).toBe(206);
    expect(footer.body.equals(parquetBytes.subarray(size - 8))).toBe(true);
    const middle = await get(`${collector.url}/data/${parquetPath}`, { Range: `bytes=10-${size + 100}` });
    expect(middle.body.equals(parquetBytes.subarray(10))).toBe(true);
    const past = await get(`${collector.url}/data/${parquetPath}`, { Range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
  });

  it('answers HEAD with the length and no body', async () => {
    const reply = await get(`${collector.url}/data/${parquetPath}`, {}, 'HEAD');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-length')).toBe(String(parquetBytes.length));
    expect(reply.body.length).toBe(0);
  });

  it('exposes the range headers to allowed origins through CORS', async () => {
    const reply = await get(`${collector.url}/data/${parquetPath}`, {
      Origin: 'https://viewer.example',
      Range: 'bytes=0-3',
    });
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://viewer.example');
    const exposed = reply.headers.get('access-control-expose-headers') ?? '';
    for (const header of ['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag'])
      expect(exposed).toContain(header);
    const preflight = await get(
      `${collector.url}/data/${parquetPath}`,
      { Origin: 'https://viewer.example', 'Access-Control-Request-Headers': 'range' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Range');
    const stranger = await get(`${collector.url}/data/manifest.json`, { Origin: 'https://evil.example' });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses every path outside the dataset with 404', async () => {
    const dataName = path.basename(collector.dataDir);
    const attempts = [
      '/data/../package.json',
      '/data/../../../../etc/passwd',
      '/data/%2e%2e/%2e%2e/etc/passwd',
      '/data/..%2f..%2f..%2fetc%2fpasswd',
      '/data/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/data/%252e%252e%252fetc%252fpasswd',
      '/data/spans/..%2f..%2f..%2fetc%2fpasswd',
      `/data/..%2f${dataName}%2fmanifest.json`,
      '/data/manifest.json%00',
      '/data/manifest.json%00.parquet',
      '/data/%00',
      '/data/spans/date=1999-01-01/hour=00/link.parquet',
      '/data/spans/date=1999-01-02/secret.parquet',
      '/data/wal',
      '/data/',
      '/data/spans',
      '/data/..\\..\\etc\\passwd',
      '/data/%5c..%5c..%5cetc%5cpasswd',
      '/data/.%2e/.%2e/etc/passwd',
      '/data//etc/passwd',
    ];
    for (const attempt of attempts) {
      const reply = await rawGet(collector.httpPort, attempt);
      expect(reply.status, attempt).toBe(404);
      expect(reply.body, attempt).not.toContain('secret');
      expect(reply.body, attempt).not.toContain('root:');
    }
  });
});

describe('health and metrics', () => {
  it('reports health and Prometheus metrics', async () => {
    const health = await get(`${collector.url}/healthz`);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', spansReceived: 20 });
    const metrics = await get(`${collector.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('parley_spans_received_total 20');
    expect(metrics.text).toMatch(/parley_spans_written_total 20\b/);
    for (const name of [
      'parley_spans_rejected_total',
      'parley_queue_depth',
      'parley_wal_bytes',
      'parley_last_flush_seconds',
      'parley_ack_latency_seconds_bucket',
      'parley_requests_total{',
    ]) {
      expect(metrics.text).toContain(name);
    }
  });
});

describe('the built viewer at /', () => {
  let withViewer: TestCollector;
  let viewerDir: string;
  beforeAll(async () => {
    viewerDir = await tempDir('parley-viewer-');
    await fs.writeFile(path.join(viewerDir, 'index.html'), '<!doctype html><title>Parley</title>');
    await fs.mkdir(path.join(viewerDir, '_app'));
    await fs.writeFile(path.join(viewerDir, '_app', 'start.js'), 'export const x = 1;');
    await fs.mkdir(path.join(viewerDir, '_app', 'immutable'));
    await fs.writeFile(
      path.join(viewerDir, '_app', 'immutable', 'engine-3f2a.wasm'),
      new Uint8Array([0, 97, 115, 109]),
    );
    withViewer = await startTestCollector({ viewerDir, grpcPort: null });
  });
  afterAll(async () => {
    await withViewer.close();
    await fs.rm(viewerDir, { recursive: true, force: true });
    await fs.rm(withViewer.dataDir, { recursive: true, force: true });
  });

  it('serves index.html and assets, and sends other paths to the page with their query', async () => {
    expect((await get(`${withViewer.url}/`)).text).toContain('<title>Parley</title>');
    const asset = await get(`${withViewer.url}/_app/start.js`);
    expect(asset.text).toBe('export const x = 1;');
    expect(asset.headers.get('content-type')).toContain('javascript');
    const deep = await fetch(`${withViewer.url}/sessions/abc?models=gpt-4o`, { redirect: 'manual' });
    expect([deep.status, deep.headers.get('location')]).toEqual([302, '/?models=gpt-4o']);
    const followed = await get(`${withViewer.url}/sessions/abc`);
    expect([followed.status, followed.text]).toEqual([200, '<!doctype html><title>Parley</title>']);
    expect((await rawGet(withViewer.httpPort, '/../../etc/passwd')).body).not.toContain('root:');
  });

  it('answers a GET of an OTLP path 405 naming POST, not with the page', async () => {
    for (const route of ['/v1/traces', '/v1/logs']) {
      const reply = await fetch(`${withViewer.url}${route}`, { redirect: 'manual' });
      expect([reply.status, reply.headers.get('allow')]).toEqual([405, 'POST, OPTIONS']);
      expect(await reply.text()).toContain(`OTLP exporters POST ${route.slice(4)} here`);
    }
    const head = await fetch(`${withViewer.url}/v1/traces`, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(405);
  });

  it('caches content-hashed assets for good and revalidates everything else', async () => {
    const hashed = await get(`${withViewer.url}/_app/immutable/engine-3f2a.wasm`);
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers.get('content-type')).toBe('application/wasm');
    expect((await get(`${withViewer.url}/_app/start.js`)).headers.get('cache-control')).toBe('no-cache');
    expect((await get(`${withViewer.url}/`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('opens a view link with the longest search the viewer writes, and explains a longer one', async () => {
    // 4,096 characters of three UTF-8 bytes each, percent-encoded: 36 KB, over Node's default 16 KB.
    const longest = await get(`${withViewer.url}/?t=all&q=${encodeURIComponent('会'.repeat(4096))}`);
    expect(longest.status).toBe(200);
    expect(longest.text).toContain('<title>Parley</title>');
    const tooLong = await get(`${withViewer.url}/?q=${'x'.repeat(100_000)}`);
    expect(tooLong.status).toBe(431);
    expect(tooLong.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(tooLong.text).toContain('longer than the collector accepts (64 KB)');
    expect((await get(`${withViewer.url}/`)).status).toBe(200);
  });

  it('does not let the fallback swallow data 404s', async () => {
    expect((await get(`${withViewer.url}/data/nope.parquet`)).status).toBe(404);
    // A snapshot URL mistyped against the collector: the viewer must see "not found", not a
    // manifest that is HTML.
    const mistyped = await get(`${withViewer.url}/nope/manifest.json`);
    expect(mistyped.status).toBe(404);
    expect(mistyped.text).not.toContain('<title>Parley</title>');
    expect((await get(`${withViewer.url}/_app/immutable/gone-1234.js`)).status).toBe(404);
  });
});
