/**
 * What a message shows besides its text, in real Chromium against the real collector fed with
 * crafted sessions (message-bodies.ts). Every wait is on a condition.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from './collector.ts';
import { startSeeded } from './seeded.ts';
import {
  ANSWER,
  EMBEDDINGS_SESSION,
  ENGLISH,
  ERRORS_SESSION,
  HEBREW,
  HIDDEN_SESSION,
  PARTIAL_SESSION,
  IMAGE_URI,
  LONG_BASE64,
  LONG_CALL_ID,
  LONG_MODEL,
  LONG_MODEL_SESSION,
  LONG_TOOL,
  MEDIA_SESSION,
  PARAGRAPHS,
  PARAGRAPHS_SESSION,
  RATE_LIMIT,
  REASONING,
  REFUSAL,
  RTL_SESSION,
  SHORT_BASE64,
  SMUGGLED,
  TOOLS,
  TOOLS_SESSION,
  TOTAL_COSTS,
  TOTAL_ONLY_SESSION,
  messageDetailsBody,
} from './message-bodies.ts';

let collector: RunningCollector;
let context: BrowserContext;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ collector, context, stop } = await startSeeded(messageDetailsBody(Date.now())));
});

afterAll(() => stop?.());

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

describe('right-to-left text', () => {
  it('reads a Hebrew paragraph from the right, its question mark at its end, and English from the left', async () => {
    const page = await openSession(RTL_SESSION);
    const layout = await page.getByTestId('conversation').evaluate(
      (el, [hebrewText, englishText]) => {
        const paragraph = (text: string, where: string) => {
          const p = [...el.querySelectorAll(where)].find((e) => e.textContent === text);
          const node = p?.firstChild;
          if (!p || !node) throw new Error(`no paragraph ${text}`);
          const range = document.createRange();
          const rect = (from: number, to: number) => {
            range.setStart(node, from);
            range.setEnd(node, to);
            return range.getBoundingClientRect();
          };
          const box = p.getBoundingClientRect();
          const style = getComputedStyle(p);
          return {
            // Its content box: where its lines start and end.
            box: {
              left: box.left + parseFloat(style.paddingLeft),
              right: box.right - parseFloat(style.paddingRight),
            },
            first: rect(0, 1),
            last: rect(text.length - 1, text.length),
          };
        };
        return {
          hebrew: paragraph(hebrewText, 'article[data-role="user"] p'),
          english: paragraph(englishText, 'article[data-role="user"] p'),
          refusal: paragraph(hebrewText, 'article[data-role="assistant"] .refusal p'),
        };
      },
      [HEBREW, ENGLISH] as const,
    );
    const { hebrew, english, refusal } = layout;
    // Its first letter at the right edge, its question mark left of everything else.
    for (const p of [hebrew, refusal]) {
      expect(p.first.right).toBeCloseTo(p.box.right, 0);
      expect(p.last.right).toBeLessThanOrEqual(p.first.left);
    }
    expect(english.first.left).toBeCloseTo(english.box.left, 0);
    await page.close();
  });
});

describe('hidden characters', () => {
  it('shows text hidden in tag characters and a direction override, in the text and in tool arguments', async () => {
    const page = await openSession(HIDDEN_SESSION);
    const user = page.locator('article[data-role="user"] .body');
    const text = await user.innerText();
    expect(text).toContain(`this⟦hidden tag text: ${SMUGGLED}⟧ page.`);
    expect(text).toContain('invoice_⟦U+202E⟧txt.exe');
    const args = page.locator('article[data-role="assistant"] .part.tool-call pre');
    expect(await args.innerText()).toContain(`⟦hidden tag text: ${SMUGGLED}⟧`);
    // The same in plain text.
    await user.hover();
    await page.locator('article[data-role="user"]').getByRole('button', { name: 'Plain text' }).click();
    expect(await user.locator('pre.plain').innerText()).toContain(`⟦hidden tag text: ${SMUGGLED}⟧`);
    await page.close();
  });
});

describe('a long model name', () => {
  it('wraps inside the header and each message on a narrow screen, whole, without scrolling the page sideways; so do a long tool name and call id', async () => {
    const page = await openSession(LONG_MODEL_SESSION);
    await page.setViewportSize({ width: 420, height: 900 });
    const pane = page.getByTestId('conversation');
    await pane.locator('article[data-role="assistant"]').waitFor();
    const fits = () =>
      pane.evaluate((el, model) => {
        const root = document.documentElement;
        const named = [...el.querySelectorAll('.chip, .model')].filter((e) => e.textContent?.includes(model));
        return {
          named: named.length,
          sideways: root.scrollWidth > root.clientWidth,
          // Its icon keeps its size beside the wrapped name.
          squeezedIcons: named.filter(
            (e) => (e.querySelector('svg')?.getBoundingClientRect().width ?? 0) < 10,
          ).length,
          outside: named.filter((e) => {
            const box = e.getBoundingClientRect();
            const card = e.closest('article, section')?.getBoundingClientRect();
            return !card || box.left < card.left || box.right > card.right;
          }).length,
        };
      }, LONG_MODEL);
    await expect.poll(fits).toEqual({ named: 3, sideways: false, squeezedIcons: 0, outside: 0 });

    // The call's tool and id in its block, whole: the id is what its result names.
    const head = pane.locator('.part.tool-call .head');
    const clipped = await head.evaluate((el) =>
      [...el.querySelectorAll('.name, .id')].map((e) => ({
        text: e.textContent,
        clipped:
          e.scrollWidth > e.clientWidth || e.getBoundingClientRect().right > el.getBoundingClientRect().right,
      })),
    );
    expect(clipped).toEqual([
      { text: LONG_TOOL, clipped: false },
      { text: LONG_CALL_ID, clipped: false },
    ]);
    await page.close();
  });
});

describe('reasoning, refusals and media', () => {
  it('shows reasoning folded before the answer, and a refusal as labelled text', async () => {
    const page = await openSession(MEDIA_SESSION);
    const answer = page.locator('article[data-role="assistant"]').nth(0);
    const refusal = page.locator('article[data-role="assistant"]').nth(1);
    const reasoning = answer.locator('details.reasoning');
    expect(await reasoning.getAttribute('open')).toBeNull();
    expect(await reasoning.locator('p').isVisible()).toBe(false);
    // Sent before the answer's text, shown before it.
    const text = await answer.locator('.body').innerText();
    expect(text.indexOf('reasoning')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('reasoning')).toBeLessThan(text.indexOf(ANSWER));
    await reasoning.locator('summary').click();
    expect(await reasoning.locator('p').innerText()).toBe(REASONING);

    const part = refusal.locator('.part.refusal');
    expect(await part.locator('.head').innerText()).toContain('refusal');
    expect(await part.locator('p').innerText()).toBe(REFUSAL);
    expect(await refusal.locator('.body').innerText()).not.toContain('"type"');
    await page.close();
  });

  it('shows images and files as references: kind, type, size, the URI as text, never loaded', async () => {
    const requested: string[] = [];
    const onRequest = (r: { url(): string }) => requested.push(r.url());
    context.on('request', onRequest);
    const page = await openSession(MEDIA_SESSION);
    const user = page.locator('article[data-role="user"]').first();
    const media = user.locator('.part.media');
    expect(await media.count()).toBe(3);
    expect(await media.nth(0).innerText()).toMatch(/image\s+image\/png/);
    expect(await media.nth(0).getByTestId('media-ref').innerText()).toBe(IMAGE_URI);
    // The long base64 was replaced by its length when stored; the short one is stored but not shown.
    expect(await media.nth(1).innerText()).toMatch(/≈2\.4 KB inline/);
    expect(await media.nth(2).innerText()).toMatch(/document\s+application\/pdf\s+≈15 B inline/);
    const body = await user.locator('.body').innerText();
    expect(body).not.toContain(SHORT_BASE64);
    expect(body).not.toContain(LONG_BASE64.slice(0, 40));
    expect(await page.getByTestId('conversation').locator('img, a[href*="images.invalid"]').count()).toBe(0);
    await media.nth(0).getByRole('button', { name: 'Copy URI' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(IMAGE_URI);
    context.off('request', onRequest);
    expect(requested.filter((u) => u.includes('images.invalid'))).toEqual([]);
    await page.close();
  });
});

describe('tool calls', () => {
  it('names the first of several tools called with how many more, and all of them in the title', async () => {
    const page = await openSession(TOOLS_SESSION);
    const name = page.locator('article[data-role="assistant"] header .toolname');
    expect(await name.innerText()).toBe('get_weather +2');
    expect(await name.getAttribute('title')).toBe(`3 tool calls: ${TOOLS.join(', ')}`);
    await page.close();
  });

  it('names each result of a message answering several calls by the tool its call made', async () => {
    const page = await openSession(TOOLS_SESSION);
    const tool = page.locator('article[data-role="tool"]');
    await tool.waitFor();
    const name = tool.locator('header .toolname');
    expect(await name.innerText()).toBe('get_weather +2');
    expect(await name.getAttribute('title')).toBe(`3 tool results: ${TOOLS.join(', ')}`);
    expect(await tool.locator('.part.tool-result .head .name').allInnerTexts()).toEqual(TOOLS);
    await page.close();
  });
});

describe('a cost reported as a total only', () => {
  it('shows it as the call total, never "no price", and the rollup says where it is', async () => {
    const page = await openSession(TOTAL_ONLY_SESSION);
    const conversation = page.getByTestId('conversation');
    await expect.poll(() => conversation.locator('article').count()).toBe(5);
    expect(await conversation.innerText()).not.toContain('no price');
    // Each call's whole cost on the message it wrote; no cost badge on the prompt side.
    const assistants = conversation.locator('article[data-role="assistant"]');
    for (const [i, cost] of TOTAL_COSTS.entries())
      expect(await assistants.nth(i).locator('header .b.cost').innerText()).toBe(
        `$${cost.toPrecision(3)} total`,
      );
    const prompts = conversation.locator('article[data-role="system"], article[data-role="user"]');
    expect(await prompts.locator('.b.in').count()).toBe(2);
    expect(await prompts.locator('.b.cost').count()).toBe(0);

    const rollup = page.getByTestId('role-rollup');
    for (const role of ['system', 'user']) {
      const cell = rollup.locator(`tr[data-role="${role}"] td[data-metric="cost"]`);
      expect(await cell.innerText()).toBe('—');
      expect(await cell.getAttribute('title')).toMatch(/reported only a total cost/);
    }
    const held = rollup.locator('tr[data-role="assistant"] td[data-metric="cost"]');
    expect(await held.innerText()).toMatch(/^\$0\.00158\s*incl\. totals$/);
    expect(await held.getAttribute('title')).toMatch(/^Includes \$0\.001575: the whole cost of 2 calls/);
    await page.close();
  });
});

describe('failed calls and problems', () => {
  it('names a failure by its error type and message, the whole of it a click away', async () => {
    const page = await openSession(ERRORS_SESSION);
    const errors = page.getByTestId('conversation').locator('.call-error');
    await expect.poll(() => errors.count()).toBe(2);
    expect((await errors.nth(0).innerText()).trim()).toBe('call failed: APIConnectionTimeoutError');
    const full = `RateLimitError: ${RATE_LIMIT}`;
    expect(await errors.nth(1).getAttribute('title')).toBe(`The model call failed: ${full}`);
    // The header shows its start; the message opens it in full.
    const cut = await errors.nth(1).evaluate((e) => e.scrollWidth > e.clientWidth);
    expect(cut).toBe(true);
    await errors.nth(1).click();
    const issues = page.locator('article:has(.call-error)').nth(1).getByTestId('call-issues');
    expect(await issues.innerText()).toBe(`The model call failed: ${full}`);
    await page.close();
  });

  it("shows the problems recorded on a call on that call's message", async () => {
    const page = await openSession(ERRORS_SESSION);
    const answer = page.locator('article[data-role="assistant"]');
    const chip = answer.locator('header .problems');
    expect((await chip.innerText()).trim()).toBe('1 problem');
    const title = await chip.getAttribute('title');
    expect(title).toMatch(/^wrong_type \(gen_ai\.usage\.output_tokens\): token count sent as a string/);
    // Only the call that recorded it is marked.
    expect(await page.locator('header .problems').count()).toBe(1);
    await chip.click();
    expect(await answer.getByTestId('call-issues').locator('li').innerText()).toMatch(
      /^wrong_type\s*gen_ai\.usage\.output_tokens\s*token count sent as a string/,
    );
    await page.close();
  });
});

describe('embedding requests', () => {
  it('are shown in the header apart from the LLM calls, whose figures they do not change', async () => {
    const page = await openSession(EMBEDDINGS_SESSION);
    const embeddings = page.getByTestId('embeddings');
    expect((await embeddings.locator('dd').innerText()).replace(/\s+/g, ' ')).toMatch(
      /^1 · 1,200 tok · \$\d/,
    );
    expect(await embeddings.getAttribute('title')).toMatch(
      /^1 embedding request \(text-embedding-3-small\): 1,200 input tokens\. Not LLM calls/,
    );
    expect(await page.getByTestId('total-input').innerText()).toBe('100');
    // A session without any has no such figure.
    const other = await openSession(ERRORS_SESSION);
    expect(await other.getByTestId('embeddings').count()).toBe(0);
    await Promise.all([page.close(), other.close()]);
  });
});

describe('a session with an unpriced call', () => {
  it('marks each role whose cost leaves out calls without a price as partial', async () => {
    const page = await openSession(PARTIAL_SESSION);
    const rollup = page.getByTestId('role-rollup');
    for (const role of ['user', 'assistant']) {
      const cost = rollup.locator(`tr[data-role="${role}"] [data-metric="cost"]`);
      expect(await cost.locator('.partial').innerText()).toBe('partial');
      expect(await cost.locator('.partial').getAttribute('title')).toMatch(/^1 of the call sides/);
    }
    // The header's total says it too, as the list does.
    expect(await page.getByRole('region', { name: 'Session summary' }).locator('.partial').count()).toBe(3);
    await page.close();
  });
});
