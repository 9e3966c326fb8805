/**
 * Snapshots on hosts that are not the collector, on another origin than the viewer: a host that
 * sends every file gzip-compressed, Range requests included (a bucket's objects stored with
 * Content-Encoding: gzip; Chromium asks for no compression with a Range and refuses such an
 * answer). And the viewer's own host away for a moment, as a collector restarting is, while the
 * page loads its query engine, or not sending its WebAssembly at all. Real Chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '@parley/shared/manifest';
import { defaultViewState } from '@parley/shared/url-state';
import type { ViewState } from '@parley/shared/view';
import type { EngineApi } from '../../src/lib/engine/api.ts';
import { WHOLE_FILE_BYTES } from '../../src/lib/engine/byte-source.ts';
import { writeSnapshot } from '../engine/snapshot-writer.ts';
import { startStaticServer, type StaticServer } from '../engine/static-server.ts';
import { launch, newContext } from './chromium.ts';

let tmp: string;
let manifest: Manifest;
let app: StaticServer;
let gzipHost: StaticServer;
/** A snapshot of the last hours, for the time range buttons. */
let recentHost: StaticServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-viewer-hosts-'));
  // An hour of busy sessions: its message files are larger than what is fetched whole.
  manifest = await writeSnapshot(path.join(tmp, 'large'), {
    sessions: 1000,
    spansPerSession: 40,
    days: 0.04,
    endIso: '2026-11-26T00:00:00Z',
    rowGroupSize: 2048,
  });
  app = await startStaticServer({ '/': fileURLToPath(new URL('../../build', import.meta.url)) });
  gzipHost = await startStaticServer({ '/snap/': path.join(tmp, 'large') }, { gzip: true });
  const recent = path.join(tmp, 'recent');
  await writeSnapshot(recent, {
    sessions: 60,
    spansPerSession: 4,
    days: 0.1,
    endIso: new Date().toISOString(),
    rowGroupSize: 2048,
  });
  recentHost = await startStaticServer({ '/snap/': recent });
  browser = await launch();
  context = await newContext(browser, app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await gzipHost?.close();
  await recentHost?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a snapshot host that compresses every answer', () => {
  it('lists the sessions and opens a conversation from files large and small', async () => {
    expect(manifest.files.some((f) => f.bytes > WHOLE_FILE_BYTES)).toBe(true);
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('requestfailed', (r) => refused.push(r.failure()?.errorText ?? ''));
    await page.goto(`${app.url}/?src=${encodeURIComponent(`${gzipHost.url}/snap/`)}&t=all`);
    const rows = page.locator('tbody tr[data-key]');
    await page.locator('tbody tr[data-key], [data-testid="error"]').first().waitFor();
    expect(await page.getByTestId('error').count()).toBe(0);
    await rows.first().click();
    await page.locator('[data-testid="conversation"] article, [data-testid="error"]').first().waitFor();
    expect(await page.getByTestId('error').count()).toBe(0);
    // The large files' Range requests were refused, and read whole instead.
    expect(refused).toContain('net::ERR_CONTENT_DECODING_FAILED');
    await page.close();
  });
});

describe('the viewer’s host away while the query engine loads', () => {
  it('gives the sessions of another range once the host is back, not an empty list', async () => {
    const page = await context.newPage();
    // The query engine's WebAssembly, fetched once the first page is shown, does not come.
    const engineCode = (url: URL): boolean => url.pathname.endsWith('.wasm');
    let refused = 0;
    await page.route(engineCode, (route) => {
      refused++;
      return route.abort('connectionrefused');
    });
    await page.goto(`${app.url}/?src=${encodeURIComponent(`${recentHost.url}/snap/`)}&t=all&engine-debug`);
    const rows = page.locator('tbody tr[data-key]');
    await rows.first().waitFor();
    const shown = await rows.count();
    await expect.poll(() => refused).toBeGreaterThan(0);
    // Loading the summaries into the engine failed: a query that needs them says so.
    const all: ViewState = { ...defaultViewState(), time: { kind: 'relative', range: 'all' } };
    const models = await page.evaluate(
      (v) => (window as unknown as { __parleyEngine: EngineApi }).__parleyEngine.models(v, 1e6),
      all,
    );
    expect(models.ok).toBe(false);
    await page.unroute(engineCode);
    // The data is of the last hours: the last 7 days hold all of it.
    await page.getByRole('button', { name: '7d' }).click();
    await page.waitForURL(/t=7d/);
    await page.locator('tbody tr[data-key], [data-testid="empty"], [data-testid="error"]').first().waitFor();
    expect(await page.getByTestId('empty').count()).toBe(0);
    expect(await rows.count()).toBe(shown);
    await page.close();
  });

  it('starts its query engine again once the host is back, so the chart and the models come', async () => {
    const page = await context.newPage();
    // DuckDB's code (the chunk naming its worker), fetched once the first page is shown, does not come.
    const chunks = (url: URL): boolean => url.pathname.includes('/workers/chunks/');
    let refused = 0;
    await page.route(chunks, async (route) => {
      const response = await route.fetch();
      if (!(await response.text()).includes('duckdb-browser-eh.worker')) return route.fulfill({ response });
      refused++;
      return route.abort('connectionrefused');
    });
    await page.goto(`${app.url}/?src=${encodeURIComponent(`${recentHost.url}/snap/`)}&t=all&engine-debug`);
    await page.locator('tbody tr[data-key]').first().waitFor();
    await expect.poll(() => refused).toBeGreaterThan(0);
    const all: ViewState = { ...defaultViewState(), time: { kind: 'relative', range: 'all' } };
    let id = 1e6;
    const models = (): Promise<{ ok: boolean }> =>
      page.evaluate(
        ([v, n]) => (window as unknown as { __parleyEngine: EngineApi }).__parleyEngine.models(v, n),
        [all, ++id] as const,
      );
    expect((await models()).ok).toBe(false);
    await page.unroute(chunks);
    expect((await models()).ok).toBe(true);
    await page.close();
  });

  // Only DuckDB's files: parquet-wasm comes, so nothing but DuckDB's own start can fail.
  const duckWasm = /\/duckdb-eh-[^/]*\.wasm$/;
  const duckWorker = /\/duckdb-browser-eh\.worker-[^/]*\.js$/;
  it.each([
    [
      'answers 404 for its WebAssembly',
      duckWasm,
      (r: Route) => r.fulfill({ status: 404, body: 'Not Found' }),
      '.wasm answered HTTP 404',
    ],
    [
      'does not answer for its WebAssembly',
      duckWasm,
      (r: Route) => r.abort('connectionrefused'),
      'the server did not answer',
    ],
    [
      'answers 500 for its worker script',
      duckWorker,
      (r: Route) => r.fulfill({ status: 500, body: 'Oops' }),
      '.js answered HTTP 500',
    ],
  ])(
    'says why the query engine did not start when its host %s, and Try again starts it',
    async (_, file, refuse, why) => {
      const page = await context.newPage();
      const duckFile = (url: URL): boolean => file.test(url.pathname);
      let refused = 0;
      await page.route(duckFile, (route) => {
        refused++;
        return refuse(route);
      });
      await page.goto(`${app.url}/?src=${encodeURIComponent(`${recentHost.url}/snap/`)}&t=all`);
      await page.locator('tbody tr[data-key]').first().waitFor();
      const error = page.locator('[data-testid="error"][data-kind="engine-unavailable"]');
      await error.waitFor();
      expect(refused).toBeGreaterThan(0);
      expect(await error.innerText()).toContain('The query engine could not be loaded');
      expect(await error.innerText()).toContain(why);
      await page.getByTestId('model-select').locator('summary').click();
      expect(await page.getByTestId('model-select').innerText()).toContain(
        'The model list could not be read.',
      );
      await page.keyboard.press('Escape');
      await page.unroute(duckFile);
      await error.getByRole('button', { name: 'Try again' }).click();
      await page.getByTestId('usage-chart').locator('rect').first().waitFor();
      expect(await page.getByTestId('error').count()).toBe(0);
      await page.getByTestId('model-select').locator('summary').click();
      await page.getByTestId('model-select').locator('input[type="checkbox"]').first().waitFor();
      await page.close();
    },
  );

  /**
   * A page whose query engine asks its host after a second instead of 15 s when its start stalls;
   * the engine's worker starts DuckDB only once the first page is shown, long after this is set.
   */
  async function pageAskingAfterASecond(): Promise<Page> {
    const page = await context.newPage();
    page.on('worker', (w) => {
      w.evaluate(() => {
        (self as unknown as { __parleyDuckStallMs: number }).__parleyDuckStallMs = 1000;
      }).catch(() => undefined);
    });
    return page;
  }

  it('says why the query engine did not start when its host takes the request for its WebAssembly and never answers, and Try again starts it', async () => {
    const page = await pageAskingAfterASecond();
    const duckFile = (url: URL): boolean => duckWasm.test(url.pathname);
    // Taken and never answered, the HEAD asking after it too.
    const held: Route[] = [];
    await page.route(duckFile, (route) => {
      held.push(route);
    });
    await page.goto(`${app.url}/?src=${encodeURIComponent(`${recentHost.url}/snap/`)}&t=all`);
    await page.locator('tbody tr[data-key]').first().waitFor();
    const error = page.locator('[data-testid="error"][data-kind="engine-unavailable"]');
    await error.waitFor();
    expect(held.map((r) => r.request().method())).toEqual(expect.arrayContaining(['GET', 'HEAD']));
    expect(await error.innerText()).toContain('The query engine could not be loaded');
    expect(await error.innerText()).toMatch(
      /\.wasm could not be fetched: the server took the request and did not answer/,
    );
    await page.unroute(duckFile);
    for (const route of held) await route.abort().catch(() => undefined);
    await error.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('usage-chart').locator('rect').first().waitFor();
    expect(await page.getByTestId('error').count()).toBe(0);
    await page.close();
  });

  it('waits for a WebAssembly slow to come while its host answers when asked', async () => {
    const page = await pageAskingAfterASecond();
    const duckFile = (url: URL): boolean => duckWasm.test(url.pathname);
    // The download held until the host has been asked twice, and answered both times.
    let asked = 0;
    let askedTwice: () => void = () => undefined;
    const twice = new Promise<void>((resolve) => (askedTwice = resolve));
    await page.route(duckFile, async (route) => {
      if (route.request().method() === 'HEAD') {
        if (++asked === 2) askedTwice();
        return route.continue();
      }
      await twice;
      return route.continue();
    });
    await page.goto(`${app.url}/?src=${encodeURIComponent(`${recentHost.url}/snap/`)}&t=all`);
    await page.getByTestId('usage-chart').locator('rect').first().waitFor();
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('error').count()).toBe(0);
    await page.close();
  });
});
