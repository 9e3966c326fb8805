/**
 * The sessions table's column names stay in view while its rows are scrolled, in real Chromium
 * against the real collector: over the whole page under its header, and in the list's own pane
 * beside an open conversation.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newContext } from './chromium.ts';
import { post, startCollector, waitFlushed, type RunningCollector } from './collector.ts';
import { chatTraceBody, helloSpan, hex } from './otlp-json.ts';

const SESSIONS = 60;

let collector: RunningCollector;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  collector = await startCollector();
  const body = chatTraceBody(
    Array.from({ length: SESSIONS }, (_, i) =>
      helloSpan({
        sessionId: `sticky-${hex(i, 3)}`,
        traceId: `5b${hex(i, 30)}`,
        spanId: `5b${hex(i, 14)}`,
        model: 'gpt-4o-mini',
        startMs: Date.now() - 600_000 + i * 1000,
      }),
    ),
  );
  await post(collector.url, '/v1/traces', body, 'application/json');
  await waitFlushed(collector.url);
  browser = await launch();
  context = await newContext(browser, collector.url, { viewport: { width: 1280, height: 700 } });
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

/** The Cost column's name against the top edge of what the rows scroll in. */
async function costHeader(page: Page): Promise<{ top: number; edge: number }> {
  return page
    .getByTestId('sessions')
    .getByRole('columnheader', { name: 'Cost' })
    .evaluate((th) => {
      const pane = th.closest('section')!;
      const own = getComputedStyle(pane).overflowY === 'auto';
      const header = document.querySelector('.top')!.getBoundingClientRect().bottom;
      return { top: th.getBoundingClientRect().top, edge: own ? pane.getBoundingClientRect().top : header };
    });
}

describe('sessions table header', () => {
  it('keeps the column names in view as the page scrolls the rows', async () => {
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=all&size=100`);
    await page
      .locator('tbody tr[data-key]')
      .nth(SESSIONS - 1)
      .waitFor();
    await page.locator('tbody tr[data-key]').nth(40).hover();
    await page.mouse.wheel(0, 1500);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
    const { top, edge } = await costHeader(page);
    expect(Math.abs(top - edge)).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('keeps them at the top of the list beside an open conversation', async () => {
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=all&size=100&session=sticky-000`);
    await page.getByTestId('conversation').locator('article').first().waitFor();
    await page
      .locator('tbody tr[data-key]')
      .nth(SESSIONS - 1)
      .waitFor();
    await page.locator('tbody tr[data-key]').nth(10).hover();
    await page.mouse.wheel(0, 1500);
    await expect
      .poll(() => page.locator('section#sessions').evaluate((s) => s.scrollTop))
      .toBeGreaterThan(1000);
    const { top, edge } = await costHeader(page);
    expect(Math.abs(top - edge)).toBeLessThanOrEqual(1);
    await page.close();
  });
});
