/**
 * The Session Tracking Workspace in real Chromium against the real collector fed with the
 * captured fixtures (plus crafted XSS and paging sessions). Every wait is on a condition.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newContext } from './chromium.ts';
import type { Manifest } from '@parley/shared/manifest';
import { MAX_ID_CHARS } from '@parley/shared/schema';
import { writeSnapshot } from '../engine/snapshot-writer.ts';
import { startStaticServer } from '../engine/static-server.ts';
import { post, startCollector, waitFlushed, type RunningCollector } from './collector.ts';
import { chatTraceBody } from './otlp-json.ts';
import { LOAD_MODELS } from './load-body.ts';
import { seed, type SeededSession } from './seed.ts';
import { IMG_PAYLOAD, SCRIPT_PAYLOAD, XSS_SESSION, xssTraceBody } from './xss-body.ts';

let collector: RunningCollector;
let browser: Browser;
let context: BrowserContext;
let sessions: SeededSession[];

beforeAll(async () => {
  collector = await startCollector();
  sessions = await seed(collector.url);
  browser = await launch();
  context = await newContext(browser, collector.url);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

const rows = (page: Page) => page.locator('tbody tr[data-key]');
const row = (page: Page, key: string) => page.locator(`tbody tr[data-key="${key}"]`);

async function open(query: string, ctx = context): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${collector.url}/?${query}`);
  return page;
}

function param(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

describe('sessions table', () => {
  it('lists the fixture sessions and copies the full id without opening the row', async () => {
    const page = await open('t=all&size=100');
    const id = 'openinference/conv-multi-turn-001';
    const target = row(page, id);
    await target.waitFor();
    await target.hover();
    await target.getByRole('button', { name: 'Copy full id' }).click();
    await page.getByRole('status').filter({ hasText: 'copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);
    expect(param(page, 'session')).toBeNull();
    expect(await page.getByTestId('conversation').count()).toBe(0);

    await page.getByRole('button', { name: 'Copy as SQL' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/select/i);

    await page.locator('summary', { hasText: 'Export' }).click();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV', exact: true }).click(),
    ]);
    expect(fs.readFileSync(await csv.path(), 'utf8')).toContain(id);
    await page.close();
  });

  it('opens a session with the keyboard, goes back with Back, and closes one with Escape', async () => {
    const page = await open('t=all&q=load-00&sort=session:asc');
    await row(page, 'load-000').waitFor();
    await rows(page)
      .first()
      .getByRole('link', { name: /open conversation$/ })
      .focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => param(page, 'session')).toBe('load-001');
    await page.getByTestId('session-title').filter({ hasText: 'load-001' }).waitFor();
    await page.goBack();
    await expect.poll(() => param(page, 'session')).toBeNull();
    await page.getByTestId('conversation').waitFor({ state: 'detached' });
    // Escape closes a session opened by a link, and the keyboard goes on from its row.
    await page.goto(`${collector.url}/?t=all&q=load-00&sort=session:asc&session=load-003`);
    await page.getByTestId('session-title').filter({ hasText: 'load-003' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('conversation').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-key')))
      .toBe('load-003');
    await page.close();
  });

  it.each(['500', '99999999'])(
    'shows the last page for page=%s, past the end, in place of the link’s history entry',
    async (asked) => {
      const page = await open(`t=all&page=${asked}`);
      await expect.poll(() => Number(param(page, 'page'))).toBeLessThan(500);
      await rows(page).first().waitFor();
      const range = await page.getByTestId('page-range').textContent();
      const [, first, last, total] = /^([\d,]+)–([\d,]+) of ([\d,]+)$/.exec(range ?? '') ?? [];
      const n = (s: string | undefined): number => Number(s?.replaceAll(',', ''));
      expect(n(last)).toBe(n(total));
      expect(n(first)).toBeGreaterThan(1);
      expect(n(first)).toBeLessThanOrEqual(n(last));
      const notices = await page.getByTestId('notices').innerText();
      expect(notices).toContain(`Page ${asked} is past the end`);
      expect(notices).not.toContain('Invalid page');
      // Replaced, not pushed: Back leaves the viewer (to the tab's blank page), not to the page past the end.
      await page.goBack();
      expect(page.url()).toBe('about:blank');
      await page.close();
    },
  );

  it('still says a page that is no number is invalid, and shows the first', async () => {
    const page = await open('t=all&page=last');
    await rows(page).first().waitFor();
    expect(await page.getByTestId('notices').innerText()).toContain('Invalid page "last"; showing page 1.');
    expect(await page.getByTestId('page-range').textContent()).toMatch(/^1–/);
    await page.close();
  });

  it('shows the first rows of the next page, though the pager was scrolled to', async () => {
    const page = await open('t=all&size=50');
    await rows(page).first().waitFor();
    await page.getByRole('button', { name: 'Next page' }).scrollIntoViewIfNeeded();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => param(page, 'page')).toBe('2');
    const top = () => page.getByTestId('sessions').evaluate((t) => t.getBoundingClientRect().top);
    await expect.poll(top).toBeGreaterThanOrEqual(0);
    await page.close();
  });

  it('shows a notice and falls back to defaults for invalid URL values', async () => {
    const page = await open('t=forever&size=7');
    await page.getByTestId('notices').waitFor();
    expect(await page.getByRole('button', { name: '24h', pressed: true }).count()).toBe(1);
    await page.close();
  });
});

describe('filters and URL state', () => {
  it('names the models of a link that no session of the range used, and keeps them in the URL', async () => {
    const query = `t=all&models=${LOAD_MODELS[0]}&models=no-such-model&models=gpt-9`;
    const page = await open(query);
    const notices = page.getByTestId('notices');
    await notices.filter({ hasText: 'No session in this time range used the models' }).waitFor();
    const text = await notices.innerText();
    expect(text).toContain('"no-such-model", "gpt-9"');
    expect(text).not.toContain(`"${LOAD_MODELS[0]}"`);
    await rows(page).first().waitFor();
    expect(new URL(page.url()).search.slice(1)).toBe(query);
    // A model the range holds alone: nothing to say.
    await page.goto(`${collector.url}/?t=all&models=${LOAD_MODELS[0]}`);
    await rows(page).first().waitFor();
    await page.getByTestId('model-select').locator('summary').click();
    await page.getByTestId('model-select').locator('input[type="checkbox"]').first().waitFor();
    expect(await page.getByTestId('notices').count()).toBe(0);
    await page.close();
  });

  it('restores filters, page and open session from a deep link in a fresh browser', async () => {
    const page = await open('t=all');
    await rows(page).first().waitFor();
    await page.getByTestId('search').fill('load-');
    await expect.poll(() => param(page, 'q')).toBe('load-');
    await page.getByTestId('model-select').locator('summary').click();
    for (const model of LOAD_MODELS.slice(0, 2)) {
      await page
        .getByTestId('model-select')
        .locator(`label:has(span.name:text-is("${model}")) input`)
        .check();
      await expect.poll(() => new URL(page.url()).searchParams.getAll('models')).toContain(model);
    }
    await page.getByTestId('model-select').locator('summary').click();
    await page.getByLabel('Rows per page').selectOption('25');
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('1–25 of 40');
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('26–40 of 40');
    await page.locator('[data-testid="sessions"][aria-busy="false"]').waitFor();
    const second = rows(page).nth(2);
    const key = await second.getAttribute('data-key');
    await second.click();
    await expect.poll(() => param(page, 'session')).toBe(key);
    await page.getByTestId('session-title').waitFor();
    const link = page.url();

    const fresh = await newContext(browser, collector.url);
    const copy = await open(new URL(link).search.slice(1), fresh);
    await copy
      .getByTestId('session-title')
      .filter({ hasText: key ?? '' })
      .waitFor();
    expect(await copy.getByTestId('search').inputValue()).toBe('load-');
    expect(await copy.getByTestId('model-select').locator('summary').innerText()).toContain('2 models');
    await expect.poll(() => copy.getByTestId('page-range').innerText()).toBe('26–40 of 40');
    expect(await copy.locator('tbody tr.selected').getAttribute('data-key')).toBe(key);
    await fresh.close();
    await page.close();
  });

  it('Reset clears every filter and keeps the time range', async () => {
    const page = await open('t=all');
    await rows(page).first().waitFor();
    await page.getByRole('button', { name: '7d', exact: true }).click();
    await expect.poll(() => param(page, 't')).toBe('7d');
    await page.getByTestId('search').fill('load-01');
    await expect.poll(() => param(page, 'q')).toBe('load-01');
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => param(page, 'q')).toBeNull();
    expect(param(page, 't')).toBe('7d');
    expect(await page.getByTestId('search').inputValue()).toBe('');
    expect(await page.getByRole('button', { name: '7d', pressed: true }).count()).toBe(1);
    await page.close();
  });

  it('makes a search one step of history: Back leaves the search, then the time range', async () => {
    const page = await open('t=24h');
    await page.getByRole('button', { name: '7d', exact: true }).click();
    await expect.poll(() => param(page, 't')).toBe('7d');
    const search = page.getByTestId('search');
    await search.fill('load-0');
    await expect.poll(() => param(page, 'q')).toBe('load-0');
    await search.fill('load-00');
    await expect.poll(() => param(page, 'q')).toBe('load-00');
    await page.goBack();
    await expect.poll(() => param(page, 'q')).toBeNull();
    expect(param(page, 't')).toBe('7d');
    await expect.poll(() => search.inputValue()).toBe('');
    await page.goBack();
    await expect.poll(() => param(page, 't')).toBe('24h');
    await page.close();
  });

  it('starts a custom range from the range on screen, and closes it on Escape alone', async () => {
    const page = await open('t=7d&session=load-005');
    await page.getByTestId('session-title').waitFor();
    await page.getByRole('button', { name: 'Custom' }).click();
    const from = await page.getByLabel('From', { exact: true }).inputValue();
    const weekAgo = Date.now() - 7 * 24 * 3_600_000;
    expect(Math.abs(new Date(from).getTime() - weekAgo)).toBeLessThan(120_000);
    await page.getByLabel('From', { exact: true }).focus();
    await page.keyboard.press('Escape');
    await page.getByLabel('From', { exact: true }).waitFor({ state: 'detached' });
    // Focus goes back to the button that opened it.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Custom');
    // The one Escape closed the form, not the conversation behind it.
    expect(param(page, 'session')).toBe('load-005');
    await page.close();
  });

  it('closes the model list on Escape or a press outside, without acting on what is under it', async () => {
    const page = await open('t=all&session=load-005');
    await page.getByTestId('session-title').waitFor();
    const select = page.getByTestId('model-select');
    const isOpen = () => select.evaluate((d) => (d as HTMLDetailsElement).open);
    await select.locator('summary').click();
    await select.locator('label').first().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(isOpen).toBe(false);
    expect(param(page, 'session')).toBe('load-005');
    await select.locator('summary').click();
    await expect.poll(isOpen).toBe(true);
    const other = rows(page).nth(1);
    const key = await other.getAttribute('data-key');
    expect(key).not.toBe('load-005');
    await other.click();
    await expect.poll(isOpen).toBe(false);
    expect(param(page, 'session')).toBe('load-005');
    // The press after that one acts as usual.
    await other.click();
    await expect.poll(() => param(page, 'session')).toBe(key);
    await page.close();
  });

  it('applies a custom absolute range from the time range selector', async () => {
    const page = await open('t=all');
    await rows(page).first().waitFor();
    await page.getByRole('button', { name: 'Custom' }).click();
    await page.getByLabel('From', { exact: true }).fill('2020-01-01T00:00');
    await page.getByLabel('To', { exact: true }).fill('2099-12-31T23:59');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => param(page, 'from')).toMatch(/^20(19|20)-/);
    expect(param(page, 'to')).toMatch(/^(2099|2100)-/);
    await page.locator('[data-testid="sessions"][aria-busy="false"]').waitFor();
    await row(page, XSS_SESSION).waitFor();
    await page.close();
  });

  it('zooms into the time dragged across on the chart', async () => {
    const page = await open('t=all');
    await rows(page).first().waitFor();
    const chart = page.getByTestId('usage-chart');
    await chart.waitFor();
    // A click (no drag) leaves the range alone. Checked before zooming: the zoomed range may hold
    // no calls, and then the chart gives way to "No LLM calls in this range".
    const url = page.url();
    await chart.click();
    expect(page.url()).toBe(url);
    const box = await chart.boundingBox();
    if (!box) throw new Error('the chart has no box');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => param(page, 'from')).not.toBeNull();
    const from = Date.parse(param(page, 'from') ?? '');
    const to = Date.parse(param(page, 'to') ?? '');
    expect(from).toBeLessThan(to);
    // The time range selector shows the absolute range.
    await page.getByRole('button', { name: /→/, pressed: true }).waitFor();
    await page.close();
  });

  it('a search with quotes and SQL metacharacters returns a clean empty result', async () => {
    const page = await open('t=all');
    await rows(page).first().waitFor();
    await page.getByTestId('search').fill(`'; DROP TABLE spans; -- %_\\" OR 1=1 /*`);
    await page.getByTestId('empty').waitFor();
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(await rows(page).count()).toBe(0);
    // The empty chart blames the filters, not the time range.
    await page.getByText('No LLM calls match these filters in this range.').waitFor();
    // The data is intact afterwards.
    await page.getByRole('button', { name: 'Reset' }).first().click();
    await rows(page).first().waitFor();
    await page.close();
  });
});

describe('conversation', () => {
  it('shows the per-role rollup equal to the fixture ground truth', async () => {
    const truth = sessions.find((s) => s.session_id === 'vercel-ai/conv-multi-turn-001');
    expect(truth).toBeDefined();
    const page = await open(`t=all&session=${encodeURIComponent(truth?.session_id ?? '')}`);
    const table = page.getByTestId('role-rollup');
    await table.waitFor();
    const sum = async (metric: string) => {
      const cells = await table.locator(`td[data-metric="${metric}"]`).allInnerTexts();
      return cells.reduce((total, text) => total + Number(text.replace(/,/g, '')), 0);
    };
    expect(await sum('input')).toBe(truth?.input_tokens);
    expect(await sum('output')).toBe(truth?.output_tokens);
    expect(await sum('cached')).toBe(truth?.cached_input_tokens);
    expect(
      Number(
        (await table.locator('tr[data-role="assistant"] td[data-metric="output"]').innerText()).replace(
          /,/g,
          '',
        ),
      ),
    ).toBe(truth?.output_tokens);

    // The conversation exports carry the same session and numbers.
    await page.locator('summary', { hasText: 'Export' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'JSON', exact: true }).click(),
    ]);
    const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as {
      sessionId: string;
      totals: { inputTokens: number; outputTokens: number };
      messages: unknown[];
    };
    expect(doc.sessionId).toBe(truth?.session_id);
    expect(doc.totals.inputTokens).toBe(truth?.input_tokens);
    expect(doc.totals.outputTokens).toBe(truth?.output_tokens);
    expect(doc.messages.length).toBe(truth?.messages.length);
    await page.close();
  });

  it('counts a failed call once in the table and the header, and marks it in the conversation', async () => {
    const truth = sessions.find((s) => s.session_id === 'vercel-ai/conv-error-001');
    expect(truth?.errors).toBe(1);
    const key = truth?.session_id ?? '';
    const page = await open(`t=all&q=${encodeURIComponent(key)}`);
    await row(page, key).waitFor();
    // Its enclosing spans are marked ERROR too; the table counts the failed call, not the spans.
    expect(await row(page, key).locator('td.err').innerText()).toBe('1');
    await row(page, key).click();
    const conversation = page.getByTestId('conversation');
    await conversation.locator('.call-error').first().waitFor();
    expect((await page.getByTestId('total-errors').innerText()).trim()).toBe('1');
    expect(await conversation.locator('.call-error').count()).toBe(1);
    expect(await conversation.locator('.call-error').innerText()).toMatch(/^\s*call failed: \S/);
    await page.close();
  });

  it('shows the column the list beside it is sorted by, in that order', async () => {
    const page = await open('t=all&sort=calls:desc&session=load-005');
    await page.getByTestId('session-title').waitFor();
    const cells = page.getByTestId('sorted-by');
    await cells.first().waitFor();
    const calls = (await cells.allInnerTexts()).map((t) => Number(t.replaceAll(',', '')));
    expect(calls.length).toBeGreaterThan(1);
    expect(calls).toEqual([...calls].sort((a, b) => b - a));
    expect(await page.getByRole('columnheader', { name: 'Calls' }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await page.close();
  });

  it('shows HTML and script in messages as text and runs nothing', async () => {
    const page = await open(`t=all&session=${XSS_SESSION}`);
    const user = page.locator('article[data-role="user"]');
    await user.waitFor();
    await page.locator('article[data-role="assistant"]').waitFor();
    await page.locator('article[data-role="system"] button.role').click();
    expect(await user.innerText()).toContain(IMG_PAYLOAD);
    expect(await user.innerText()).toContain(SCRIPT_PAYLOAD);
    const conversation = page.getByTestId('conversation');
    expect(await conversation.locator('img, script, iframe').count()).toBe(0);
    expect(await conversation.locator('a[href^="javascript"]').count()).toBe(0);
    // The neutralized link reads as text, and says why.
    const removed = conversation.locator('a:not([href])', { hasText: 'x' }).first();
    expect(await removed.getAttribute('title')).toMatch(/Link removed/);
    expect(await removed.evaluate((a) => getComputedStyle(a).cursor)).toBe('help');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await page.close();
  });

  it('scrolls to and highlights the message named in the URL', async () => {
    const page = await open('t=all&session=load-005');
    const second = page.locator('article[data-role="assistant"]').nth(1);
    await second.waitFor();
    const anchor = await second.getAttribute('data-anchor');
    const linked = await open(`t=all&session=load-005&msg=${encodeURIComponent(anchor ?? '')}`);
    await linked.locator(`article.highlighted[data-anchor="${anchor}"]`).waitFor();
    await expect.poll(() => linked.locator(`article[data-anchor="${anchor}"]`).isVisible()).toBe(true);
    await linked.close();
    await page.close();
  });
});

describe('local files', () => {
  it('opens a dropped local Parquet file, marked as not shareable', async () => {
    const spansDir = path.join(collector.dataDir, 'spans');
    const files = fs
      .readdirSync(spansDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
      .map((e) => path.join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(0);
    const page = await open('t=all');
    await rows(page).first().waitFor();
    await page.getByTestId('source-badge').click();
    await page.getByTestId('file-input').setInputFiles(files);
    await expect.poll(() => param(page, 'src')).toBe('local:');
    await page
      .locator('[data-testid="source-badge"][data-source-state="ready"]')
      .filter({ hasText: 'not shareable' })
      .waitFor();
    await row(page, XSS_SESSION).waitFor();
    await page.close();
  });
});

/**
 * Waits until the page offers new data, then refreshes. The page looks every few seconds and
 * whenever its window gains focus: focus is given until the button shows.
 */
async function refreshOnNewData(page: Page): Promise<void> {
  const refresh = page.getByRole('button', { name: 'New data: refresh' });
  await expect
    .poll(
      async () => {
        await page.evaluate(() => window.dispatchEvent(new Event('focus')));
        return refresh.count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  await refresh.click();
}

describe('a source that changes while it is open', () => {
  it('says a new collector has no data yet, and shows the first session once it arrives', async () => {
    const fresh = await startCollector();
    const ctx = await newContext(browser, fresh.url);
    try {
      const page = await ctx.newPage();
      await page.goto(`${fresh.url}/`);
      await page.getByTestId('empty').filter({ hasText: 'No data yet' }).waitFor();
      expect(await page.getByTestId('error').count()).toBe(0);
      await post(fresh.url, '/v1/traces', xssTraceBody(Date.now()), 'application/json');
      await waitFlushed(fresh.url);
      await refreshOnNewData(page);
      await row(page, XSS_SESSION).waitFor();
    } finally {
      await ctx.close();
      await fresh.stop();
    }
  });

  it('offers the data that arrived since, and shows it on refresh', async () => {
    const page = await open('t=all');
    await rows(page).first().waitFor();
    await page.getByRole('button', { name: 'Refresh', exact: true }).waitFor();
    const session = 'live-session-1';
    expect(await row(page, session).count()).toBe(0);
    await post(
      collector.url,
      '/v1/traces',
      chatTraceBody([
        {
          sessionId: session,
          traceId: '11fe0000000000000000000000000001',
          spanId: '11fe000000000001',
          model: 'gpt-4o-mini',
          startMs: Date.now() - 1_000,
          durationMs: 300,
          input: [{ role: 'user', text: 'Anything new?' }],
          output: 'Yes.',
          inputTokens: 5,
          outputTokens: 2,
        },
      ]),
      'application/json',
    );
    await waitFlushed(collector.url);
    await refreshOnNewData(page);
    await row(page, session).waitFor();
    expect(await page.getByRole('button', { name: 'Refresh', exact: true }).count()).toBe(1);
    await page.close();
  });

  it('offers to try a conversation again that could not be read, and reads it once the host is back', async () => {
    const page = await open('t=all&q=load-00&sort=session:asc');
    await row(page, 'load-001').waitFor();
    // The collector away for a moment: the session's files cannot be fetched.
    await page.route('**/data/**/*.parquet', (route) => route.abort('connectionrefused'));
    await row(page, 'load-001').click();
    const again = page.getByTestId('conversation').getByRole('button', { name: 'Try again' });
    await again.waitFor();
    await page.unroute('**/data/**/*.parquet');
    await again.click();
    await page.getByTestId('session-title').filter({ hasText: 'load-001' }).waitFor();
    await page.close();
  });

  it('says when its look for new data cannot reach the collector, and stops saying it once it is back', async () => {
    const page = await open('t=all&q=load-00&sort=session:asc');
    await row(page, 'load-000').waitFor();
    const notice = page.getByTestId('notices').filter({ hasText: 'Cannot read the source now' });
    const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
    await page.route('**/data/manifest.json', (route) => route.abort('connectionrefused'));
    // The page looks when its window gains focus (and every few seconds).
    await expect
      .poll(async () => {
        await page.evaluate(() => window.dispatchEvent(new Event('focus')));
        return notice.count();
      })
      .toBe(1);
    expect(await refresh.getAttribute('class')).toContain('unreachable');
    await page.unroute('**/data/manifest.json');
    await expect
      .poll(async () => {
        await page.evaluate(() => window.dispatchEvent(new Event('focus')));
        return notice.count();
      })
      .toBe(0);
    expect(await refresh.getAttribute('class')).not.toContain('unreachable');
    await row(page, 'load-000').waitFor();
    await page.close();
  });

  it('keeps the sessions shown when a refresh cannot reach the collector, and refreshes once it is back', async () => {
    const page = await open('t=all&q=load-00&sort=session:asc');
    await row(page, 'load-000').waitFor();
    const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
    // The collector away for a moment: its manifest cannot be fetched.
    await page.route('**/data/manifest.json', (route) => route.abort('connectionrefused'));
    await refresh.click();
    await page.getByTestId('notices').filter({ hasText: 'Cannot read the source now' }).waitFor();
    expect(await page.getByTestId('error').count()).toBe(0);
    // The source read before still answers: a conversation opens from it.
    await row(page, 'load-000').click();
    await page.getByTestId('session-title').filter({ hasText: 'load-000' }).waitFor();
    await page.unroute('**/data/manifest.json');
    await refresh.click();
    await expect.poll(() => page.getByTestId('notices').count()).toBe(0);
    await row(page, 'load-000').waitFor();
    await page.close();
  });

  /**
   * The viewer over a small static snapshot (written by DuckDB), at its first sessions page: `act`
   * gets the page, the snapshot's root and manifest, and the first row.
   */
  async function onStaticSnapshot(
    act: (page: Page, root: string, snapshot: Manifest, first: Locator) => Promise<void>,
  ): Promise<void> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-viewer-static-'));
    const snapshot = await writeSnapshot(root, {
      sessions: 30,
      spansPerSession: 4,
      days: 1,
      endIso: '2026-11-26T00:00:00Z',
      rowGroupSize: 2048,
    });
    const server = await startStaticServer(
      { '/data/': root, '/': fileURLToPath(new URL('../../build', import.meta.url)) },
      { spaFallback: 'index.html' },
    );
    const ctx = await newContext(browser, server.url);
    try {
      const page = await ctx.newPage();
      await page.goto(`${server.url}/?t=all`);
      const first = rows(page).first();
      await first.waitFor();
      await act(page, root, snapshot, first);
      await page.close();
    } finally {
      await ctx.close();
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  it('opens a session whose files were merged away since the source was opened', async () => {
    await onStaticSnapshot(async (page, root, snapshot, first) => {
      const key = (await first.getAttribute('data-key')) ?? '';
      // A compaction: the span and message rows under new names, the files the page knows deleted.
      const moved = snapshot.files.map((f) =>
        f.table === 'sessions' ? f : { ...f, path: f.path.replace(/\.parquet$/, '-merged.parquet') },
      );
      for (const [i, f] of snapshot.files.entries())
        if (f.table !== 'sessions')
          fs.renameSync(path.join(root, f.path), path.join(root, moved[i]?.path ?? ''));
      fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify({ ...snapshot, files: moved }));
      await first.click();
      await page.getByTestId('session-title').filter({ hasText: key }).waitFor();
      await page.getByTestId('conversation').locator('article').first().waitFor();
      expect(await page.getByTestId('error').count()).toBe(0);
    });
  });

  it('names a file its snapshot lacks, rather than reading the snapshot again and again', async () => {
    await onStaticSnapshot(async (page, root, snapshot, first) => {
      // An incomplete copy: the manifest lists span and message files the host does not have.
      for (const f of snapshot.files) if (f.table !== 'sessions') fs.rmSync(path.join(root, f.path));
      await first.click();
      const error = page.getByTestId('conversation').getByTestId('error');
      await error.waitFor();
      expect(await error.getAttribute('data-kind')).toBe('source-changed');
      expect(await error.innerText()).toMatch(/missing/);
    });
  });
});

describe('layout', () => {
  it('keeps wide content, long names and the table inside the window', async () => {
    const longId = `conv_${'a78588fa6f'.repeat(3)}`;
    const fresh = await startCollector();
    const ctx = await newContext(browser, fresh.url);
    const overflow = (page: Page) =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    try {
      const body = chatTraceBody([
        {
          sessionId: 'wide-1',
          traceId: '1de00000000000000000000000000001',
          spanId: '1de0000000000001',
          model: 'gpt-4o-2024-08-06',
          startMs: Date.now() - 5_000,
          durationMs: 800,
          input: [{ role: 'user', text: 'show me' }],
          output: `| a | b |\n|---|---|\n| ${'w'.repeat(600)} | x |`,
          inputTokens: 3,
          outputTokens: 2,
          toolCall: { name: `search_${'t'.repeat(150)}`, id: 'call_1', args: '{"q":1}' },
        },
        // A long id and a cost with many digits, partly unpriced: the widest row the side list shows.
        ...['gpt-4o-2024-08-06', 'house-model-x'].map((model, i) => ({
          sessionId: longId,
          traceId: `1de0000000000000000000000000001${i}`,
          spanId: `1de000000000001${i}`,
          model,
          startMs: Date.now() - 4_000 + i,
          durationMs: 800,
          input: [{ role: 'user', text: 'hi' }],
          output: 'hello',
          inputTokens: 170,
          outputTokens: 14,
        })),
      ]);
      await post(fresh.url, '/v1/traces', body, 'application/json');
      await waitFlushed(fresh.url);
      const page = await ctx.newPage();
      await page.goto(`${fresh.url}/?t=all&session=wide-1`);
      await page.locator('article[data-role="assistant"] table').waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      for (const width of [1440, 1280, 1024, 900, 800]) {
        await page.setViewportSize({ width, height: 800 });
        await page.goto(`${fresh.url}/?t=all`);
        const table = page.getByTestId('sessions');
        await table.locator('tbody tr').first().waitFor();
        expect(await table.evaluate((wrap) => wrap.scrollWidth - wrap.clientWidth)).toBeLessThanOrEqual(0);
        // The chart draws inside its card (its SVG was the card's width plus its padding).
        const chart = page.locator('figure.chart');
        await chart.locator('svg').waitFor();
        expect(
          await chart.evaluate(
            (f) => f.querySelector('svg')!.getBoundingClientRect().right - f.getBoundingClientRect().right,
          ),
        ).toBeLessThanOrEqual(0);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        // Beside an open conversation, the list keeps its Cost column whole.
        await page.goto(`${fresh.url}/?t=all&session=${longId}`);
        await page.getByTestId('conversation').locator('article').first().waitFor();
        expect(await table.locator('tbody tr').first().innerText()).toMatch(/partial/);
        // The session header keeps its close button on the title's line in the narrow pane.
        const titleBox = await page.getByTestId('session-title').boundingBox();
        const closeBox = await page.getByRole('button', { name: 'Close conversation' }).boundingBox();
        if (width > 720) expect(Math.abs((closeBox?.y ?? 0) - (titleBox?.y ?? 999))).toBeLessThan(12);
        expect(await table.evaluate((wrap) => wrap.scrollWidth - wrap.clientWidth)).toBeLessThanOrEqual(0);
      }
    } finally {
      await ctx.close();
      await fresh.stop();
    }
  });

  it('says a mistyped snapshot path is not there, rather than broken', async () => {
    const page = await open(`src=${encodeURIComponent(`${collector.url}/nope/`)}`);
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.getAttribute('data-kind')).toBe('http-status');
    expect(await error.locator('strong').innerText()).toMatch(/^Nothing at /);
    await page.close();
  });
});

describe('names as sent', () => {
  it('finds a session by the whole of an id cut when stored, and shows two spaces in a model name', async () => {
    const fresh = await startCollector();
    const ctx = await newContext(browser, fresh.url);
    const sent = `long-${'y'.repeat(1200)}`;
    const stored = sent.slice(0, MAX_ID_CHARS);
    const model = 'gpt-4o  mini';
    try {
      const body = chatTraceBody([
        {
          sessionId: sent,
          traceId: '10ad0000000000000000000000000001',
          spanId: '10ad000000000001',
          model,
          startMs: Date.now() - 5_000,
          durationMs: 800,
          input: [{ role: 'user', text: 'hi' }],
          output: 'hello',
          inputTokens: 3,
          outputTokens: 2,
        },
      ]);
      await post(fresh.url, '/v1/traces', body, 'application/json');
      await waitFlushed(fresh.url);
      const page = await ctx.newPage();
      await page.goto(`${fresh.url}/?t=all`);
      await page.getByTestId('search').fill(sent);
      await expect.poll(() => param(page, 'q')).toBe(sent);
      const found = row(page, stored);
      await found.waitFor();
      expect(await rows(page).count()).toBe(1);
      // innerText gives what is rendered: collapsed whitespace would read as one space.
      expect(await found.locator('.chip').first().innerText()).toBe(model);
      await found.click();
      const card = page.locator('article[data-role="assistant"]');
      await card.waitFor();
      expect(await card.getByTitle('Written by this model').innerText()).toBe(model);
      await page.getByTestId('model-select').locator('summary').click();
      expect(await page.getByTestId('model-select').locator('label .name').innerText()).toBe(model);
    } finally {
      await ctx.close();
      await fresh.stop();
    }
  });
});
