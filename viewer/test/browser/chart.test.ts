/**
 * The usage chart in real Chromium against the real collector: bars on the local clock (a zone set
 * per context), and the keyboard's way through them (focus, values announced, Enter zooms).
 * Every wait is on a condition.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseViewState } from '@parley/shared/url-state';
import { newContext } from './chromium.ts';
import { type ChatSpan, chatTraceBody, hex } from './otlp-json.ts';
import { startSeeded, type Seeded } from './seeded.ts';

const HOUR_MS = 3_600_000;
/** Calls every 10 hours over the last 88 days: 'all' charts them in day bars, across DST changes. */
const DAYS = 88;

function body(nowMs: number): Uint8Array {
  const spans: ChatSpan[] = [];
  for (let i = 0, t = nowMs - DAYS * 24 * HOUR_MS; t < nowMs - HOUR_MS; i++, t += 10 * HOUR_MS) {
    spans.push({
      sessionId: `chart-${Math.floor(i / 5)}`,
      traceId: hex(0xc0ffee00 + i, 32),
      spanId: hex(0xbead00 + i, 16),
      model: 'gpt-4o-mini',
      startMs: t,
      durationMs: 800,
      input: [{ role: 'user', text: `question ${i}` }],
      output: `answer ${i}`,
      inputTokens: 100 + i,
      outputTokens: 10 + (i % 7),
    });
  }
  return chatTraceBody(spans, 'chart-app');
}

let seeded: Seeded;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  seeded = await startSeeded(body(Date.now()));
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await seeded?.stop();
});

async function open(query: string, options: Parameters<typeof newContext>[2] = {}): Promise<Page> {
  const context = await newContext(seeded.browser, seeded.collector.url, options);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${seeded.collector.url}/?${query}`);
  await page.getByTestId('usage-chart').locator('g[role=option]').first().waitFor();
  return page;
}

/** Each bar's bounds (µs) and text, as the chart draws them. */
function bars(page: Page): Promise<{ startUs: number; endUs: number; text: string }[]> {
  return page.getByTestId('usage-chart').evaluate((svg) =>
    [...svg.querySelectorAll('g[role=option]')].map((g) => ({
      startUs: Number(g.getAttribute('data-start-us')),
      endUs: Number(g.getAttribute('data-end-us')),
      text: (g.querySelector('title')?.textContent ?? '').trim(),
    })),
  );
}

/** Local wall-clock "HH:MM" of instants, as the page's zone reads them. */
function localClock(page: Page, us: number[]): Promise<string[]> {
  return page.evaluate(
    (xs) =>
      xs.map((x) => {
        const d = new Date(x / 1000);
        return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      }),
    us,
  );
}

/** What Chromium's accessibility tree says the focused listbox's active option is called. */
async function announced(page: Page): Promise<{ focused: boolean; option: string | null }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const list = nodes.find((n) => n.role?.value === 'listbox');
    const prop = (name: string) => list?.properties?.find((p) => p.name === name)?.value;
    const target = prop('activedescendant')?.relatedNodes?.[0]?.backendDOMNodeId;
    const option = nodes.find((n) => n.backendDOMNodeId === target && n.role?.value === 'option');
    return {
      focused: prop('focused')?.value === true,
      option: option ? String(option.name?.value ?? '') : null,
    };
  } finally {
    await cdp.detach();
  }
}

describe('chart buckets', () => {
  it('start day bars at local midnight in America/Los_Angeles, across the DST change', async () => {
    const page = await open('t=all', { timezoneId: 'America/Los_Angeles' });
    const shown = await bars(page);
    expect(shown.length).toBeGreaterThan(DAYS - 5);
    // Day bars: each ends where a local day ends, 23 to 25 hours after it began.
    const hours = shown.map((b) => (b.endUs - b.startUs) / (HOUR_MS * 1000));
    for (const h of hours) expect([23, 24, 25]).toContain(h);
    expect(hours).toContain(25);
    expect(
      new Set(
        await localClock(
          page,
          shown.map((b) => b.startUs),
        ),
      ),
    ).toEqual(new Set(['00:00']));
    expect(
      new Set(
        await localClock(
          page,
          shown.map((b) => b.endUs),
        ),
      ),
    ).toEqual(new Set(['00:00']));
    // A day's title names that day: no time of day, as the bar starts at its midnight.
    expect(shown[0]?.text).toMatch(/^\d{4}-\d\d-\d\d: \d+ calls?, /);
  });

  it('start week bars on Monday 00:00 local and name them by their days', async () => {
    // 200 days: bars of a week, the data's 88 days across the fall-back.
    const to = new Date();
    const from = new Date(to.getTime() - 200 * 24 * HOUR_MS);
    const page = await open(`from=${from.toISOString()}&to=${to.toISOString()}`, {
      timezoneId: 'America/Los_Angeles',
    });
    const shown = await bars(page);
    expect(shown.length).toBeGreaterThan(10);
    const starts = await page.evaluate(
      (xs) => xs.map((x) => new Date(x / 1000)).map((d) => [d.getDay(), d.getHours(), d.getMinutes()]),
      shown.flatMap((b) => [b.startUs, b.endUs]),
    );
    expect(new Set(starts.map((x) => x.join(' ')))).toEqual(new Set(['1 0 0']));
    for (const b of shown) expect(b.text).toMatch(/^Mon \d{4}-\d\d-\d\d – Sun \d{4}-\d\d-\d\d: \d+ calls?, /);
  });

  it('say so where bars cannot follow a +5:30 clock: hours from summaries are UTC hours', async () => {
    const page = await open('t=24h', { timezoneId: 'Asia/Kolkata' });
    const shown = await bars(page);
    expect(
      new Set(
        (
          await localClock(
            page,
            shown.map((b) => b.startUs),
          )
        ).map((c) => c.slice(3)),
      ),
    ).toEqual(new Set(['30']));
    expect(await page.getByTestId('chart-off-hour').innerText()).toBe(
      'bars start at :30 local time: usage is stored per UTC hour',
    );
  });
});

describe('chart keyboard', () => {
  it('is one Tab stop whose arrow keys show and announce a bar, and Escape leaves', async () => {
    const page = await open('t=all', { timezoneId: 'America/Los_Angeles' });
    const chart = page.getByTestId('usage-chart');
    const shown = await bars(page);
    expect(await chart.getAttribute('tabindex')).toBe('0');
    expect(await chart.locator('[tabindex]').count()).toBe(0);
    // Tab reaches it from the control before it in the page's order.
    await chart.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await chart.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByTestId('chart-readout').count()).toBe(0);

    const readout = page.getByTestId('chart-readout');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => readout.innerText()).toBe(shown[0]?.text);
    await expect.poll(() => announced(page)).toEqual({ focused: true, option: shown[0]?.text });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => readout.innerText()).toBe(shown[1]?.text);
    await page.keyboard.press('End');
    await expect.poll(() => announced(page)).toEqual({ focused: true, option: shown.at(-1)?.text });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => readout.innerText()).toBe(shown.at(-1)?.text);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => readout.innerText()).toBe(shown[0]?.text);

    // Screen readers also get the chart as a sentence, not the bars again.
    const description = await chart.evaluate(
      (el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
    );
    expect(description).toMatch(new RegExp(`^\\s*${shown.length} bars of 1 day with calls, from `));

    await page.keyboard.press('Escape');
    await expect.poll(() => chart.evaluate((el) => el === document.activeElement)).toBe(false);
    expect(await readout.count()).toBe(0);
  });

  it("zooms to the bar's bounds on Enter, as a drag over it would, and keeps the focus", async () => {
    const page = await open('t=all', { timezoneId: 'America/Los_Angeles' });
    const chart = page.getByTestId('usage-chart');
    const target = (await bars(page))[2];
    await chart.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).not.toBeNull();
    const { state } = parseViewState(new URL(page.url()).searchParams);
    expect(state.time).toEqual({ kind: 'absolute', fromUs: target?.startUs, toUs: (target?.endUs ?? 0) - 1 });
    // The zoomed chart (hour bars of that day) takes the focus back.
    await chart.locator('g[role=option]').first().waitFor();
    await expect.poll(() => chart.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it("zooms to a bar's bounds when dragged across it, and shows its values under the pointer", async () => {
    const page = await open('t=all', { timezoneId: 'America/Los_Angeles' });
    const target = (await bars(page))[2];
    const box = await page.getByTestId('usage-chart').locator('g[role=option] .hit').nth(2).boundingBox();
    if (!box) throw new Error('the bar has no box');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 1, y);
    await expect.poll(() => page.getByTestId('chart-readout').innerText()).toBe(target?.text);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 1, y, { steps: 3 });
    await page.mouse.up();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).not.toBeNull();
    const { state } = parseViewState(new URL(page.url()).searchParams);
    expect(state.time).toEqual({ kind: 'absolute', fromUs: target?.startUs, toUs: (target?.endUs ?? 0) - 1 });
  });

  it('slides the picked bar only without reduced motion', async () => {
    const transition = async (reducedMotion: 'reduce' | 'no-preference') => {
      const page = await open('t=all', { reducedMotion });
      await page.getByTestId('usage-chart').focus();
      await page.keyboard.press('ArrowRight');
      return page.locator('.picked').evaluate((el) => getComputedStyle(el).transitionDuration);
    };
    expect(await transition('no-preference')).toBe('0.12s');
    expect(await transition('reduce')).toBe('0s');
  });
});
