/**
 * A long session is put on screen in slices (Conversation.svelte): every message still arrives,
 * in order, and a link to one of the last messages scrolls to it; a link to a message it does not
 * have says so; a conversation taken up again after a side thread says where it goes on from.
 * Real Chromium, real collector.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from './collector.ts';
import { startSeeded } from './seeded.ts';
import { chatTraceBody, hex, type ChatSpan } from './otlp-json.ts';

const SESSION = 'long-run';
const TURNS = 120;

let collector: RunningCollector;
let context: BrowserContext;
let stop: (() => Promise<void>) | undefined;

/** Turns that send only the new question (history kept by the server): 2 messages per call. */
function turns(now: number): ChatSpan[] {
  return Array.from({ length: TURNS }, (_, i) => ({
    sessionId: SESSION,
    traceId: hex(0x10a0000 + i, 32),
    spanId: hex(0x10a0000 + i, 16),
    model: 'gpt-4o-mini',
    startMs: now - 600_000 + i * 1000,
    durationMs: 500,
    input: [{ role: 'user', text: `question ${i}` }],
    output: `answer ${i}`,
    inputTokens: 10,
    outputTokens: 5,
  }));
}

const SYS = { role: 'system', text: 'You are terse.' };

/** A conversation, a side thread sharing only its instructions, then the conversation again. */
function threads(now: number): ChatSpan[] {
  const u1 = { role: 'user', text: 'first question' };
  const a1 = { role: 'assistant', text: 'first answer' };
  const u2 = { role: 'user', text: 'second question' };
  const a2 = { role: 'assistant', text: 'second answer' };
  const calls: Array<[ChatSpan['input'], string]> = [
    [[SYS, u1], a1.text],
    [[SYS, u1, a1, u2], a2.text],
    [[SYS, { role: 'user', text: 'side question' }], 'side answer'],
    [[SYS, u1, a1, u2, a2, { role: 'user', text: 'third question' }], 'third answer'],
  ];
  return calls.map(([input, output], i) => ({
    sessionId: 'threads',
    traceId: hex(0x10c0000 + i, 32),
    spanId: hex(0x10c0000 + i, 16),
    model: 'gpt-4o-mini',
    startMs: now - 300_000 + i * 1000,
    durationMs: 500,
    input,
    output,
    inputTokens: 10,
    outputTokens: 5,
  }));
}

beforeAll(async () => {
  const now = Date.now();
  const short: ChatSpan = {
    ...turns(now)[0]!,
    sessionId: 'short-run',
    traceId: hex(0x10b0000, 32),
    spanId: hex(0x10b0000, 16),
    input: [{ role: 'user', text: 'only question' }],
    output: 'only answer',
  };
  ({ collector, context, stop } = await startSeeded(chatTraceBody([...turns(now), short, ...threads(now)])));
});

afterAll(() => stop?.());

describe('a long session', () => {
  it('shows every message in order, and scrolls a link to its last answer into view', async () => {
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=all&session=${SESSION}`);
    const articles = page.getByTestId('conversation').locator('article');
    await expect.poll(() => articles.count(), { timeout: 30_000 }).toBe(TURNS * 2);
    const texts = await articles.locator('.body').allTextContents();
    expect(texts.map((t) => t.trim())).toEqual(
      Array.from({ length: TURNS }, (_, i) => [`question ${i}`, `answer ${i}`]).flat(),
    );

    const last = await articles.last().getAttribute('data-anchor');
    const linked = await context.newPage();
    await linked.goto(`${collector.url}/?t=all&session=${SESSION}&msg=${encodeURIComponent(last ?? '')}`);
    const target = linked.locator(`article[data-anchor="${last}"]`);
    await target.waitFor();
    await expect
      .poll(() =>
        target.evaluate(
          (el) => el.getBoundingClientRect().top > 0 && el.getBoundingClientRect().bottom <= innerHeight,
        ),
      )
      .toBe(true);
    expect(await target.textContent()).toContain(`answer ${TURNS - 1}`);
    await page.close();
    await linked.close();
  });

  it('says when a link names a message the conversation does not have', async () => {
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=all&session=${SESSION}&msg=deadbeefdeadbeef:99`);
    const notice = page.getByTestId('unknown-anchor');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('deadbeefdeadbeef:99');
    const first = await page
      .getByTestId('conversation')
      .locator('article')
      .first()
      .getAttribute('data-anchor');
    await page.goto(`${collector.url}/?t=all&session=${SESSION}&msg=${encodeURIComponent(first ?? '')}`);
    await page.getByTestId('conversation').locator('article').first().waitFor();
    expect(await page.getByTestId('unknown-anchor').count()).toBe(0);
    await page.close();
  });

  it('opens another session at its top, even from deep in a long one', async () => {
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=all&session=${SESSION}`);
    const articles = page.getByTestId('conversation').locator('article');
    await expect.poll(() => articles.count(), { timeout: 30_000 }).toBe(TURNS * 2);
    await page.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight }));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(2000);
    // The header stays at the top of the window, its links in reach.
    expect(
      (await page.getByRole('button', { name: 'Copy link', exact: true }).boundingBox())?.y,
    ).toBeLessThan(60);
    await page.locator('tbody tr[data-key="short-run"]').click();
    await page.getByTestId('session-title').filter({ hasText: 'short-run' }).waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await page.close();
  });
});

describe('threads', () => {
  it('says where a conversation taken up again after a side thread goes on from, and links there', async () => {
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=all&session=threads`);
    const conversation = page.getByTestId('conversation');
    const bodies = conversation.locator('article .body');
    // The system prompt is folded: 8 bodies of 9 messages.
    await expect.poll(() => bodies.count()).toBe(8);
    expect(await conversation.locator('article').count()).toBe(9);
    expect((await bodies.allTextContents()).map((t) => t.trim())).toEqual([
      'first question',
      'first answer',
      'second question',
      'second answer',
      'side question',
      'side answer',
      'third question',
      'third answer',
    ]);
    expect(await conversation.getByTestId('branch').count()).toBe(0);
    const resumed = conversation.getByTestId('resumed');
    expect(await resumed.count()).toBe(1);
    await resumed.getByRole('link', { name: /assistant message of/ }).click();
    const target = conversation.locator('article.highlighted');
    await target.waitFor();
    expect(await target.locator('.body').textContent()).toContain('second answer');
    expect(new URL(page.url()).searchParams.get('msg')).toBe(await target.getAttribute('data-anchor'));
    await page.close();
  });
});
