/**
 * The usage chart's words for calls that reported no usage, in real Chromium against the real
 * collector: a bar whose calls reported no tokens reads "not reported", never 0, and a sum over
 * some of its calls says how many it leaves out. Every wait is on a condition.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceBody, usageCallSpan } from './otlp-json.ts';
import { type Seeded, startSeeded } from './seeded.ts';

const HOUR_MS = 3_600_000;

/** A chat call of gpt-4o, with its usage or (a failed call) none. */
const call = (
  n: number,
  sessionId: string,
  startMs: number,
  usage: { input: number; output: number } | null,
) => usageCallSpan({ n, idBase: 0xf000, sessionId, startMs, usage });

/** Two calls reporting nothing, in an hour three hours ago. */
let noneAtMs: number;
/** A call reporting 100 in / 20 out and, in another session 10 s later, one reporting nothing. */
let someAtMs: number;

function body(nowMs: number): Uint8Array {
  const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  noneAtMs = hour - 3 * HOUR_MS + 10 * 60_000;
  someAtMs = hour - HOUR_MS + 10 * 60_000;
  const spans = [
    call(0, 'chart-none', noneAtMs, null),
    call(1, 'chart-none', noneAtMs + 5000, null),
    call(2, 'chart-some-a', someAtMs, { input: 100, output: 20 }),
    call(3, 'chart-some-b', someAtMs + 10_000, null),
  ];
  return traceBody(spans, 'chart-usage');
}

let seeded: Seeded;

beforeAll(async () => {
  seeded = await startSeeded(body(Date.now()));
});

afterAll(() => seeded?.stop());

async function open(query: string): Promise<Page> {
  const page = await seeded.context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${seeded.collector.url}/?${query}`);
  await page.getByTestId('usage-chart').locator('g[role=option]').first().waitFor();
  return page;
}

/** `from`/`to` of the 40 minutes around an instant: bars of a minute, read from span rows. */
const around = (ms: number) =>
  `from=${new Date(ms - 20 * 60_000).toISOString()}&to=${new Date(ms + 20 * 60_000).toISOString()}`;

/** The readout of each bar in turn, as the arrow keys show them. */
async function readouts(page: Page): Promise<string[]> {
  const chart = page.getByTestId('usage-chart');
  const count = await chart.locator('g[role=option]').count();
  await chart.focus();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('ArrowRight');
    const readout = page.getByTestId('chart-readout');
    await expect.poll(() => chart.getAttribute('aria-activedescendant')).toMatch(new RegExp(`-bar-${i}$`));
    out.push((await readout.innerText()).trim());
  }
  return out;
}

describe('chart readout of calls without usage', () => {
  it('says "not reported" for a bar no call reported tokens in, and a floor of the calls a sum leaves out (hour rows)', async () => {
    const page = await open('t=24h');
    const [none, some] = await readouts(page);
    expect(none).toMatch(/: 2 calls, tokens not reported, no price$/);
    // The hour's summary rows are per session: one reported, the other did not.
    expect(some).toMatch(
      /: 2 calls, 100 in, 20 out \(at least 1 of the calls reported no tokens\), \$[\d.]+ \(1 of the calls without a price\)$/,
    );
    // The bars' titles (the pointer's tooltips) say the same.
    const titles = await page
      .getByTestId('usage-chart')
      .locator('g[role=option] > title')
      .evaluateAll((ts) => ts.map((t) => (t.textContent ?? '').trim()));
    expect(titles).toEqual([none, some]);
    const total = page.getByTestId('chart-total-tokens');
    expect(await total.getAttribute('title')).toBe(
      'At least 3 of the calls reported no tokens: the total counts the others only',
    );
    await page.close();
  });

  it('counts the calls a sum leaves out exactly where the bars are read from spans', async () => {
    const page = await open(around(someAtMs));
    expect(await readouts(page)).toEqual([
      expect.stringMatching(
        /: 2 calls, 100 in, 20 out \(1 of the calls reported no tokens\), \$[\d.]+ \(1 of the calls without a price\)$/,
      ),
    ]);
    await page.close();
  });

  it('reads the total "—", not 0, where no call of the range reported tokens', async () => {
    const page = await open(around(noneAtMs));
    expect(await readouts(page)).toEqual([
      expect.stringMatching(/: 2 calls, tokens not reported, no price$/),
    ]);
    const total = page.getByTestId('chart-total-tokens');
    expect(await total.getAttribute('title')).toBe('No call in this range reported tokens');
    expect(await total.innerText()).toMatch(/^— tokens/);
    await page.close();
  });
});
