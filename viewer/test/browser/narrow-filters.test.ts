/**
 * The filter bar's popups and the time range on a phone-wide window, in real Chromium against the
 * real collector: what they show stays inside the window, whole.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newContext } from './chromium.ts';
import { post, startCollector, waitFlushed, type RunningCollector } from './collector.ts';
import { chatTraceBody, helloSpan } from './otlp-json.ts';

const LONG_MODEL = 'us.anthropic.claude-3-5-sonnet-20241022-v2:0';

let collector: RunningCollector;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  collector = await startCollector();
  const body = chatTraceBody(
    [LONG_MODEL, 'gpt-4o-mini'].map((model, i) =>
      helloSpan({
        sessionId: `narrow-${i}`,
        traceId: `4a000000000000000000000000000${i}01`,
        spanId: `4a0000000000${i}001`,
        model,
        startMs: Date.now() - 60_000 + i,
      }),
    ),
  );
  await post(collector.url, '/v1/traces', body, 'application/json');
  await waitFlushed(collector.url);
  browser = await launch();
  context = await newContext(browser, collector.url, { viewport: { width: 420, height: 850 } });
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

async function open(query: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${collector.url}/?${query}`);
  await page.locator('tbody tr[data-key]').first().waitFor();
  return page;
}

const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('filters on a phone-wide window', () => {
  it('opens the model list inside the window, every name whole', async () => {
    const page = await open('t=all');
    await page.getByTestId('model-select').locator('summary').click();
    const list = page.getByRole('group', { name: 'Models' });
    await list.getByText(LONG_MODEL).waitFor();
    await expect.poll(() => sideways(page)).toBeLessThanOrEqual(0);
    const box = await list.evaluate((l) => {
      const r = l.getBoundingClientRect();
      return { left: r.left, right: r.right, width: window.innerWidth };
    });
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(box.width);
    const cut = await list
      .locator('.name')
      .evaluateAll((names) => names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent));
    expect(cut).toEqual([]);
    await page.close();
  });

  it('shows both ends of a custom range', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const page = await open(`from=${from}&to=${to}`);
    const button = page.getByRole('group', { name: 'Time range' }).locator('button[aria-pressed="true"]');
    const range = button.locator('.abs');
    expect(await range.innerText()).toMatch(/→\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const shown = await range.evaluate((abs) => {
      const seg = abs.closest('.seg')!.getBoundingClientRect();
      const r = abs.getBoundingClientRect();
      return r.left >= seg.left && r.right <= seg.right;
    });
    expect(shown).toBe(true);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.close();
  });
});

describe('the sorted column on a narrow window', () => {
  it('stays shown on a phone and a tablet, where its width hid it', async () => {
    for (const [width, sort, name] of [
      [420, 'calls', 'Calls'],
      [768, 'errors', 'Err'],
    ] as const) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 850 });
      await page.goto(`${collector.url}/?t=all&sort=${sort}:desc`);
      await page.locator('tbody tr[data-key]').first().waitFor();
      await expect(page.getByRole('columnheader', { name }).isVisible()).resolves.toBe(true);
      const cells = page.getByTestId('sorted-by');
      expect(await cells.count()).toBe(2);
      expect(await cells.first().isVisible()).toBe(true);
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await page.close();
    }
  });
});

describe('Reset pressed while a search is typed', () => {
  it('drops the search not yet made, which came back after the reset', async () => {
    for (const query of ['t=all&models=gpt-4o-mini&q=narrow', 't=all&models=gpt-4o-mini']) {
      const page = await open(query);
      const search = page.getByTestId('search');
      await search.click();
      await page.keyboard.type('-1');
      await page.getByRole('button', { name: 'Reset' }).click();
      await page.waitForURL((url) => !url.searchParams.has('models'));
      expect(await search.inputValue()).toBe('');
      expect(new URL(page.url()).searchParams.get('q')).toBeNull();
      await page.close();
    }
  });
});
