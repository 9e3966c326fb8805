/**
 * Token totals of calls that reported no usage, and the per-role rollup's message counts, in real
 * Chromium against the real collector fed with crafted sessions. Every wait is on a condition.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from './collector.ts';
import { traceBody, usageCallSpan } from './otlp-json.ts';
import { startSeeded } from './seeded.ts';

/** Four failed calls re-sending one prompt, none reporting usage (as conv-error-001 of the demo data). */
const NONE_SESSION = 'usage-none';
/** A call reporting 100 in / 20 out (no cached figure), then a failed one reporting nothing. */
const SOME_SESSION = 'usage-some';
/** A call with usage, of a model no price table knows. */
const UNPRICED_SESSION = 'usage-unpriced';

const span = (
  n: number,
  sessionId: string,
  startMs: number,
  usage: { input: number; output: number } | null,
  model?: string,
) => usageCallSpan({ n, idBase: 0xe000, sessionId, startMs, usage, model });

function usageBody(nowMs: number): Uint8Array {
  const t = nowMs - 600_000;
  const spans = [
    ...[0, 1, 2, 3].map((i) => span(i, NONE_SESSION, t + i * 1000, null)),
    span(10, SOME_SESSION, t, { input: 100, output: 20 }),
    span(11, SOME_SESSION, t + 1000, null),
    span(20, UNPRICED_SESSION, t, { input: 50, output: 5 }, 'in-house-model-7'),
  ];
  return traceBody(spans, 'usage-numbers');
}

let collector: RunningCollector;
let context: BrowserContext;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ collector, context, stop } = await startSeeded(usageBody(Date.now())));
});

afterAll(() => stop?.());

async function open(query: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${collector.url}/?${query}`);
  return page;
}

const row = (page: Page, key: string) => page.locator(`tbody tr[data-key="${key}"]`);
const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();

describe('token totals of calls without usage', () => {
  it('shows "—", not 0, in the list and the header where no call reported tokens', async () => {
    const page = await open('t=all');
    const none = row(page, NONE_SESSION);
    await none.waitFor();
    for (const cell of ['opt-in', 'opt-out', 'opt-cached'])
      expect((await none.locator(`td.${cell}`).innerText()).trim(), cell).toBe('—');
    expect(await none.locator('td.opt-out').getAttribute('title')).toBe(
      'No call of this session reported output tokens',
    );
    // A reported figure reads as before.
    expect((await row(page, SOME_SESSION).locator('td.opt-in').innerText()).trim()).toBe('100');

    await none.click();
    await page.getByTestId('session-title').waitFor();
    for (const id of ['total-input', 'total-output', 'total-cached']) {
      const total = page.getByTestId(id);
      expect(await text(page, id), id).toMatch(/^—\s*\(No call of this session reported/);
      expect(await total.getAttribute('title'), id).toMatch(/^No call of this session reported \w/);
    }
    await page.close();
  });

  it('says in the header how many calls a partial total leaves out', async () => {
    const page = await open(`t=all&session=${SOME_SESSION}`);
    await page.getByTestId('session-title').waitFor();
    const input = page.getByTestId('total-input');
    expect(await input.getAttribute('title')).toBe(
      '1 of 2 calls reported no input tokens: the total counts the others only',
    );
    expect(await text(page, 'total-input')).toMatch(/^100\s*\(1 of 2 calls/);
    // No call reported cached tokens.
    expect(await text(page, 'total-cached')).toMatch(/^—/);
    await page.close();
  });
});

describe("a call's badges, read aloud", () => {
  it('say a figure was not reported, and a cost has no price, in words', async () => {
    const none = await open(`t=all&session=${NONE_SESSION}`);
    const card = none.getByTestId('conversation').locator('article[data-role="assistant"]').first();
    await card.waitFor();
    expect(await card.ariaSnapshot()).toMatch(/input tokens not reported, output tokens not reported/);
    await none.close();

    const unpriced = await open(`t=all&session=${UNPRICED_SESSION}`);
    const conversation = unpriced.getByTestId('conversation');
    await conversation.locator('article[data-role="assistant"]').waitFor();
    const tree = await conversation.ariaSnapshot();
    expect(tree).toMatch(/50 input tokens, input cost unknown \(no price for this model\)/);
    expect(tree).toMatch(/5 output tokens, output cost unknown \(no price for this model\)/);
    await unpriced.close();
  });
});

describe('per-role rollup', () => {
  it("counts the failed calls' placeholder cards, as many as the conversation shows", async () => {
    const page = await open(`t=all&session=${NONE_SESSION}`);
    const conversation = page.getByTestId('conversation');
    await conversation.locator('article').first().waitFor();
    // The first failed call shows the prompt; the three retries, a placeholder each.
    await expect.poll(() => conversation.locator('article').count()).toBe(5);
    const cards: Record<string, number> = {};
    for (const role of await conversation
      .locator('article')
      .evaluateAll((a) => a.map((e) => e.getAttribute('data-role'))))
      cards[role ?? ''] = (cards[role ?? ''] ?? 0) + 1;
    expect(cards).toEqual({ system: 1, user: 1, assistant: 3 });

    const rollup = page.getByTestId('role-rollup');
    const msgs: Record<string, number> = {};
    for (const r of await rollup.locator('tbody tr').all())
      msgs[(await r.getAttribute('data-role')) ?? ''] = Number(await r.locator('td').nth(1).innerText());
    expect(msgs).toEqual(cards);

    // The calls' sides sit on the system prompt and the retries' cards: not reported, not 0. The
    // user's message was attributed nothing, so its 0 is a real 0.
    const tokens = async (role: string) =>
      rollup
        .locator(`tbody tr[data-role="${role}"] td[data-metric]`)
        .evaluateAll((cells) => cells.map((c) => [c.textContent?.trim(), c.getAttribute('title')]));
    const notReported = ['—', expect.stringMatching(/^Not reported/)];
    expect(await tokens('system')).toEqual([notReported, notReported, notReported, notReported]);
    expect(await tokens('assistant')).toEqual([notReported, notReported, notReported, notReported]);
    expect((await tokens('user')).map(([value]) => value)).toEqual(['0', '0', '0', '—']);
    await page.close();
  });
});
