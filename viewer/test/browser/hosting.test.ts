/**
 * The built viewer as an analyst hosts it: copied under a path of a plain static host, with the
 * snapshot under another path of the same host. Real Chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newContext } from './chromium.ts';
import { writeSnapshot } from '../engine/snapshot-writer.ts';
import { startStaticServer } from '../engine/static-server.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe('hosting', () => {
  it('runs from a subpath of a static host, not only from its root', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-viewer-hosted-'));
    await writeSnapshot(root, {
      sessions: 12,
      spansPerSession: 3,
      days: 1,
      endIso: '2026-11-26T00:00:00Z',
      rowGroupSize: 2048,
    });
    const server = await startStaticServer({
      '/team/snapshots/2026-11/': root,
      '/tools/parley/': fileURLToPath(new URL('../../build', import.meta.url)),
    });
    const ctx = await newContext(browser, server.url);
    const failed: string[] = [];
    try {
      const page = await ctx.newPage();
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`${server.url}/tools/parley/?src=/team/snapshots/2026-11/&t=all`);
      const first = page.getByTestId('sessions').locator('tbody tr').first();
      await first.waitFor();
      await first.click();
      await page.getByTestId('conversation').locator('article').first().waitFor();
      expect(failed).toEqual([]);
    } finally {
      await ctx.close();
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
