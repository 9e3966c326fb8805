/**
 * A row of the sessions list is a link to the view with its session open: a new tab or a copied
 * link gives that view, a plain click opens it in place, and in the stacked layout the opened
 * conversation is brought into view. Real Chromium against the real collector; every wait is on
 * a condition.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseViewState } from '@parley/shared/url-state';
import { LONG_ANSWER, PRICED, a11ySessionId, accessibilityBody } from './accessibility-body.ts';
import { startSeeded, type Seeded } from './seeded.ts';

let seeded: Seeded;

beforeAll(async () => {
  seeded = await startSeeded(accessibilityBody(Date.now()));
});

afterAll(() => seeded?.stop());

/** Searched, filtered by model, sorted, on an absolute range: all of it must survive in a row's link. */
const FILTERED = `q=a11y-0&models=${PRICED}&from=2000-01-01&to=2100-01-01&sort=session:asc&size=25`;

async function open(query: string, page?: Page): Promise<Page> {
  const p = page ?? (await seeded.context.newPage());
  p.on('pageerror', (e) => console.error('pageerror:', e.message));
  await p.goto(`${seeded.collector.url}/?${query}`);
  await p.locator('tbody tr[data-key]').first().waitFor();
  return p;
}

const rowLink = (page: Page, key: string) =>
  page.getByTestId('sessions').getByRole('link', { name: `${key}, open conversation`, exact: true });

const view = (href: string) => parseViewState(new URL(href).searchParams);

/** Set on the page before a click: a full reload would lose it. */
const mark = (page: Page) => page.evaluate(() => ((window as { marker?: number }).marker = 1));
const marked = (page: Page) => page.evaluate(() => (window as { marker?: number }).marker === 1);

/** The tr's key and the tag of what has focus. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.tagName.toLowerCase()}[${el?.closest('tr')?.getAttribute('data-key') ?? ''}]`;
  });

describe('a row of the sessions list', () => {
  it('links to this view with that session open: the search, models, range and sort kept', async () => {
    const page = await open(FILTERED);
    const key = a11ySessionId(4);
    const href = await rowLink(page, key).getAttribute('href');
    expect(href).not.toBeNull();
    const link = new URL(href ?? '', page.url());
    expect(link.origin + link.pathname).toBe(new URL(page.url()).origin + new URL(page.url()).pathname);
    const here = view(page.url());
    expect(here.state.time.kind).toBe('absolute');
    expect(view(link.href)).toEqual({ state: { ...here.state, session: key, message: '' }, notices: [] });
    await page.close();
  });

  for (const how of ['Ctrl-click', 'middle click'] as const) {
    it(`opens that view in a new tab on a ${how}, the list staying as it was`, async () => {
      const page = await open(FILTERED);
      const key = a11ySessionId(6);
      const link = rowLink(page, key);
      const href = new URL((await link.getAttribute('href')) ?? '', page.url()).href;
      const before = page.url();
      await mark(page);
      const [tab] = await Promise.all([
        seeded.context.waitForEvent('page'),
        how === 'Ctrl-click'
          ? link.click({ modifiers: ['ControlOrMeta'] })
          : link.click({ button: 'middle' }),
      ]);
      await tab.getByTestId('session-title').filter({ hasText: key }).waitFor();
      expect(tab.url()).toBe(href);
      expect(page.url()).toBe(before);
      expect(await marked(page)).toBe(true);
      expect(await page.getByTestId('conversation').count()).toBe(0);
      await tab.close();
      await page.close();
    });
  }

  it('opens in place on a plain click, on its link or elsewhere in the row, without a reload', async () => {
    const page = await open(FILTERED);
    await mark(page);
    const length = await page.evaluate(() => history.length);
    const first = a11ySessionId(2);
    await rowLink(page, first).click();
    await page.getByTestId('session-title').filter({ hasText: first }).waitFor();
    expect(view(page.url()).state.session).toBe(first);
    // One entry: the link's own navigation did not run besides the row's.
    expect(await page.evaluate(() => history.length)).toBe(length + 1);
    expect(await focused(page)).toBe(`a[${first}]`);
    const second = a11ySessionId(8);
    await page.locator(`tbody tr[data-key="${second}"] td.time`).last().click();
    await page.getByTestId('session-title').filter({ hasText: second }).waitFor();
    expect(await focused(page)).toBe(`a[${second}]`);
    expect(await marked(page)).toBe(true);
    expect(await page.evaluate(() => history.length)).toBe(length + 2);
    await page.close();
  });
});

describe('a conversation opened from the list', () => {
  /** The conversation's top just below the sticky header, and its title in the window. */
  const atTop = (page: Page) =>
    page.getByTestId('session-title').evaluate((title) => {
      const header = document.querySelector('.top')?.getBoundingClientRect().bottom ?? 0;
      const top = document.getElementById('conversation')?.getBoundingClientRect().top ?? NaN;
      const r = title.getBoundingClientRect();
      return Math.abs(top - header - 8) <= 1 && r.top >= header && r.bottom <= window.innerHeight;
    });

  it('is scrolled to below the list at 720px, focus staying on the row; another one too', async () => {
    const page = await seeded.context.newPage();
    await page.setViewportSize({ width: 720, height: 800 });
    await open('t=all', page);
    // Far down the list (the page scrolled to the row), a conversation shorter than the window.
    const short = a11ySessionId(3);
    await rowLink(page, short).focus();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.getByTestId('session-title').filter({ hasText: short }).waitFor();
    await expect.poll(() => atTop(page)).toBe(true);
    expect(await focused(page)).toBe(`a[${short}]`);
    // Back up in the list above it, a long one: shown in place of the first while it loads.
    const long = a11ySessionId(LONG_ANSWER);
    await rowLink(page, long).focus();
    expect(await atTop(page)).toBe(false);
    await page.keyboard.press('Enter');
    await page.getByTestId('session-title').filter({ hasText: long }).waitFor();
    await expect.poll(() => atTop(page)).toBe(true);
    expect(await focused(page)).toBe(`a[${long}]`);
    await page.close();
  });
});
