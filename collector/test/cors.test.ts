/**
 * A browser OTLP exporter in a web app, against the real collector: its preflight names the
 * headers its user configured (an API key, a tenant), and real Chromium sends the export only
 * when the collector's answer allows each of them.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withRequested } from '../src/http/cors.ts';
import { startTestCollector, type TestCollector } from './helpers/collector.ts';
import { get } from './helpers/http.ts';
import { makeSimpleSpans, spanIds, tracesBody } from './helpers/otlp-bodies.ts';
import { queryTable } from './helpers/parquet.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let collector: TestCollector;
let page: http.Server;
let pageOrigin: string;
let browser: Browser;

beforeAll(async () => {
  // The web app's own origin, another port than the collector's.
  page = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end('<!doctype html><title>app</title>');
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  collector = await startTestCollector({ corsOrigins: [pageOrigin] });
  browser = await chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser.close();
  await collector.close();
  await new Promise<void>((resolve) => page.close(() => resolve()));
  await fs.rm(collector.dataDir, { recursive: true, force: true });
});

describe('CORS for browser exporters', () => {
  it('lets a page export with the custom headers its exporter was configured with', async () => {
    const spans = await makeSimpleSpans(2, 'browser-export');
    const body = new TextDecoder().decode(tracesBody(spans, 'json'));
    const tab = await browser.newPage();
    try {
      await tab.goto(pageOrigin);
      const status = await tab.evaluate(
        async ({ url, body }) => {
          try {
            const reply = await fetch(url, {
              method: 'POST',
              body,
              headers: { 'Content-Type': 'application/json', 'x-api-key': 'k-123', 'X-Tenant-Id': 'acme' },
            });
            return reply.status;
          } catch (error) {
            return String(error);
          }
        },
        { url: `${collector.url}/v1/traces`, body },
      );
      expect(status).toBe(200);
    } finally {
      await tab.close();
    }
    await collector.pipeline.flush();
    const rows = await queryTable(
      collector.dataDir,
      'spans',
      "SELECT span_id FROM {table} WHERE name LIKE 'browser-export-%' ORDER BY span_id",
    );
    expect(rows.map((r) => r.span_id)).toEqual(spanIds(spans).sort());
  });

  it('allows only token names, and nothing asked for to an origin not configured', async () => {
    const preflight = (origin: string, requested: string): Promise<Headers> =>
      get(
        `${collector.url}/v1/logs`,
        {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': requested,
        },
        'OPTIONS',
      ).then((reply) => reply.headers);
    const allowed = await preflight(pageOrigin, 'content-type,x-api-key, bad header,x-b3-traceid,x:y');
    expect(allowed.get('access-control-allow-headers')).toBe(
      'Content-Type, Content-Encoding, Authorization, x-api-key, x-b3-traceid',
    );
    expect(allowed.get('access-control-max-age')).toBe('600');
    expect(allowed.get('vary')).toMatch(/Origin.*Access-Control-Request-Headers/);
    const stranger = await preflight('https://evil.example', 'x-api-key');
    expect(stranger.get('access-control-allow-origin')).toBeNull();
    expect(stranger.get('access-control-allow-headers')).toBe(
      'Content-Type, Content-Encoding, Authorization',
    );
  });

  it('keeps each name once and bounds how many are echoed', () => {
    expect(withRequested(['Range'], 'range, X-A, x-a,,  ')).toEqual(['Range', 'X-A']);
    const many = Array.from({ length: 100 }, (_, i) => `x-h${i}`).join(',');
    expect(withRequested([], many)).toHaveLength(64);
  });
});
