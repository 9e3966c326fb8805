/**
 * What a message shows besides its text, in real Chromium against the real collector fed with
 * crafted sessions (message-bodies.ts). Every wait is on a condition.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newContext } from './chromium.ts';
import { post, startCollector, waitFlushed, type RunningCollector } from './collector.ts';
import { PARAGRAPHS, PARAGRAPHS_SESSION, messageDetailsBody } from './message-bodies.ts';

let collector: RunningCollector;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  collector = await startCollector();
  await post(collector.url, '/v1/traces', messageDetailsBody(Date.now()), 'application/json');
  await waitFlushed(collector.url);
  browser = await launch();
  context = await newContext(browser, collector.url);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

async function openSession(session: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${collector.url}/?t=all&session=${encodeURIComponent(session)}`);
  await page.locator('[data-testid="conversation"] article').first().waitFor();
  return page;
}

describe('message text', () => {
  it('shows a message of several text parts once', async () => {
    const page = await openSession(PARAGRAPHS_SESSION);
    const user = page.locator('article[data-role="user"]');
    const body = await user.locator('.body').innerText();
    for (const paragraph of PARAGRAPHS) expect(body.split(paragraph).length - 1).toBe(1);
    expect(await user.locator('.part').count()).toBe(0);
    await page.close();
  });
});
