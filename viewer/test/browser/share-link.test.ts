/**
 * "Copy link" shares the view as it is at the click: a relative range is frozen to its times, so
 * the link opens the same rows later. Real Chromium, real collector.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newContext } from './chromium.ts';
import type { RunningCollector } from './collector.ts';
import { startSeeded } from './seeded.ts';
import { chatTraceBody, hex } from './otlp-json.ts';

let collector: RunningCollector;
let browser: Browser;
let context: BrowserContext;
let stop: (() => Promise<void>) | undefined;
let longDays: { first: number; middle: number; last: number };

beforeAll(async () => {
  const calls = ['share-a', 'share-b'].map((sessionId, i) => ({
    sessionId,
    traceId: hex(0x5a0000 + i, 32),
    spanId: hex(0x5a0000 + i, 16),
    model: 'gpt-4o-mini',
    startMs: Date.now() - 3_600_000 + i * 60_000,
    durationMs: 400,
    input: [{ role: 'user', text: `hello ${i}` }],
    output: `hi ${i}`,
    inputTokens: 5,
    outputTokens: 2,
  }));
  // A session active on two UTC days, with a day between them: each day's summary holds part of it.
  const day = 86_400_000;
  const today = Math.floor(Date.now() / day) * day;
  const long = [today - 3 * day, today - day].map((startMs, i) => ({
    ...calls[0]!,
    sessionId: 'share-long',
    traceId: hex(0x5b0000 + i, 32),
    spanId: hex(0x5b0000 + i, 16),
    startMs: startMs + 12 * 3_600_000,
    inputTokens: 100 + i,
  }));
  longDays = { first: today - 3 * day, middle: today - 2 * day, last: today - day };
  ({ collector, browser, context, stop } = await startSeeded(chatTraceBody([...calls, ...long])));
});

afterAll(() => stop?.());

describe('sharing a view', () => {
  it('copies a link whose relative range is frozen at the click, and which opens the same view', async () => {
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=7d&q=share&session=share-b`);
    await page.getByTestId('conversation').locator('article').first().waitFor();
    const before = Date.now();
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'copied' }).first().waitFor();
    // Shown where it can be read (the visible toast; screen readers get the status above): the
    // button sits at the top of the window.
    const toast = page.locator('.toast').filter({ hasText: 'copied' });
    await toast.waitFor();
    expect((await toast.boundingBox())?.y).toBeGreaterThanOrEqual(0);
    const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    const after = Date.now();

    expect(copied.searchParams.get('t')).toBeNull();
    expect(copied.searchParams.get('q')).toBe('share');
    expect(copied.searchParams.get('session')).toBe('share-b');
    const from = Date.parse(copied.searchParams.get('from') ?? '');
    const to = Date.parse(copied.searchParams.get('to') ?? '');
    const week = 7 * 24 * 3_600_000;
    expect(from).toBeGreaterThanOrEqual(before - week - 60_000);
    expect(from % 60_000).toBe(0);
    expect(from).toBeLessThanOrEqual(after - week);
    expect(to).toBeGreaterThanOrEqual(before);
    expect(to).toBeLessThanOrEqual(after + 60_000);
    // The address bar stays live.
    expect(new URL(page.url()).searchParams.get('t')).toBe('7d');

    // A teammate in another zone: same rows, times labelled with that zone's offset.
    const elsewhere = await newContext(browser, collector.url, { timezoneId: 'Asia/Kolkata' });
    const shared = await elsewhere.newPage();
    await shared.goto(copied.href);
    await shared.getByTestId('conversation').locator('article').first().waitFor();
    const keys = (p: typeof page) =>
      p.locator('tbody tr[data-key]').evaluateAll((r) => r.map((e) => e.getAttribute('data-key')));
    await expect.poll(() => keys(shared)).toEqual(await keys(page));
    expect(await shared.getByTestId('session-title').innerText()).toBe('share-b');
    expect(await shared.getByTestId('zone').innerText()).toBe('UTC+5:30');
    await page.close();
    await elsewhere.close();
  });

  it('shows a session with its whole totals whatever days the linked range covers, as the same view reached in the app', async () => {
    const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
    const hour = 3_600_000;
    // Each range loaded fresh, as a teammate opens a link: the last day alone, the day between
    // its two calls (no summary row of it at all), and all time.
    const ranges = [
      `from=${iso(longDays.last)}&to=${iso(longDays.last + 23 * hour)}`,
      `from=${iso(longDays.middle)}&to=${iso(longDays.middle + 23 * hour)}`,
      't=all',
    ];
    for (const range of ranges) {
      const page = await context.newPage();
      await page.goto(`${collector.url}/?${range}&q=share-long`);
      const row = page.locator('tr[data-key="share-long"]');
      await row.waitFor();
      const cells = row.locator('td');
      expect([await cells.nth(4).innerText(), await cells.nth(6).getAttribute('title')], range).toEqual([
        '2',
        '201',
      ]);
      await page.close();
    }
  });
});
