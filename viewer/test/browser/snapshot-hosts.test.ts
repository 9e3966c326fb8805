/**
 * Snapshots on hosts that are not the collector, on another origin than the viewer: a host that
 * sends every file gzip-compressed, Range requests included (a bucket's objects stored with
 * Content-Encoding: gzip). Chromium asks for no compression with a Range and refuses such an
 * answer. Real Chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '@parley/shared/manifest';
import { WHOLE_FILE_BYTES } from '../../src/lib/engine/byte-source.ts';
import { writeSnapshot } from '../engine/snapshot-writer.ts';
import { startStaticServer, type StaticServer } from '../engine/static-server.ts';
import { launch, newContext } from './chromium.ts';

let tmp: string;
let manifest: Manifest;
let app: StaticServer;
let gzipHost: StaticServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-viewer-hosts-'));
  // An hour of busy sessions: its message files are larger than what is fetched whole.
  manifest = await writeSnapshot(tmp, {
    sessions: 1000,
    spansPerSession: 40,
    days: 0.04,
    endIso: '2026-11-26T00:00:00Z',
    rowGroupSize: 2048,
  });
  app = await startStaticServer({ '/': fileURLToPath(new URL('../../build', import.meta.url)) });
  gzipHost = await startStaticServer({ '/snap/': tmp }, { gzip: true });
  browser = await launch();
  context = await newContext(browser, app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await gzipHost?.close();
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
