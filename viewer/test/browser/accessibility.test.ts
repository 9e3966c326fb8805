/**
 * Keyboard, screen reader and contrast behaviour of the viewer (the accessibility audit's findings),
 * in real Chromium against the real collector fed with crafted sessions (accessibility-body.ts).
 * Every wait is on a condition.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from './collector.ts';
import { newContext } from './chromium.ts';
import { startSeeded, type Seeded } from './seeded.ts';
import {
  LONG_ANSWER,
  PRICED,
  SESSIONLESS_TRACE,
  SESSIONS,
  SOLO,
  THREADS,
  a11ySessionId,
  accessibilityBody,
} from './accessibility-body.ts';

let seeded: Seeded;
let collector: RunningCollector;

beforeAll(async () => {
  seeded = await startSeeded(accessibilityBody(Date.now()));
  collector = seeded.collector;
});

afterAll(() => seeded?.stop());

const TOTAL = SESSIONS + 1;

async function open(query: string, page?: Page): Promise<Page> {
  const p = page ?? (await seeded.context.newPage());
  p.on('pageerror', (e) => console.error('pageerror:', e.message));
  await p.goto(`${collector.url}/?${query}`);
  return p;
}

async function openSession(session: string, query = 't=all'): Promise<Page> {
  const page = await open(`${query}&session=${encodeURIComponent(session)}`);
  await page.getByTestId('conversation').locator('article').first().waitFor();
  return page;
}

/** What has focus (and the list row it is in), in words a failure message can show. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'BODY';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
    const key = el.closest('tbody tr[data-key]')?.getAttribute('data-key');
    return `${el.tagName.toLowerCase()}${key ? `[${key}]` : ''} ${name}`.trim();
  });
}

const range = (page: Page) => page.getByTestId('page-range').innerText();

/** The lowest WCAG contrast ratio of the text of the elements matched, against what is behind them. */
function minContrast(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: string) => {
      const [r = 0, g = 0, b = 0] = rgb(c).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (el: Element | null): string => {
      for (let at = el; at; at = at.parentElement) {
        const c = getComputedStyle(at).backgroundColor;
        if ((rgb(c)[3] ?? 1) > 0) return c;
      }
      return 'rgb(255, 255, 255)';
    };
    const els = [...document.querySelectorAll(sel)];
    if (els.length === 0) throw new Error(`nothing matches ${sel}`);
    return Math.min(
      ...els.map((el) => {
        const style = getComputedStyle(el);
        const fg = el instanceof SVGElement ? style.fill : style.color;
        const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
        return ((a ?? 0) + 0.05) / ((b ?? 0) + 0.05);
      }),
    );
  }, selector);
}

describe('keyboard reach', () => {
  it('reaches the Plain text toggle of a message by Tab, and shows it then', async () => {
    const page = await openSession(a11ySessionId(3));
    const user = page.locator('article[data-role="user"]');
    await user.locator('button.role').focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button Plain text');
    const toggle = user.getByRole('button', { name: 'Plain text' });
    expect(await toggle.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await page.close();
  });

  it('shows focus on the search box', async () => {
    const page = await open('t=all');
    await page.getByTestId('search').focus();
    const outline = await page
      .getByTestId('search')
      .evaluate((el) => getComputedStyle(el.closest('.search') ?? el).outlineStyle);
    expect(outline).toBe('solid');
    await page.close();
  });
});

describe('focus is kept near the control that went away', () => {
  const SEARCH = 'input Search session id (substring)';

  it('after clearing the search: on the search box', async () => {
    const page = await open('t=all&q=a11y-00');
    await page.getByRole('button', { name: 'Clear search' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBeNull();
    expect(await focused(page)).toBe(SEARCH);
    await page.close();
  });

  it('after Reset in the filter bar: on the search box', async () => {
    const page = await open('t=all&q=a11y-00');
    await page.getByRole('button', { name: 'Reset', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBeNull();
    expect(await focused(page)).toBe(SEARCH);
    await page.close();
  });

  it('after Reset filters in the empty state: on the search box', async () => {
    const page = await open('t=all&q=no-such-session');
    await page.getByRole('button', { name: 'Reset filters' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => range(page)).toBe(`1–${TOTAL} of ${TOTAL}`);
    expect(await focused(page)).toBe(SEARCH);
    await page.close();
  });

  it('after Show all time in the empty state: on the search box', async () => {
    const page = await open('from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
    await page.getByRole('button', { name: 'Show all time' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => range(page)).toBe(`1–${TOTAL} of ${TOTAL}`);
    expect(await focused(page)).toBe(SEARCH);
    await page.close();
  });

  it("after closing a conversation with its button: on that session's row", async () => {
    const page = await openSession(a11ySessionId(7));
    const close = page.getByRole('button', { name: 'Close conversation' });
    // The key that closes it, said with the button now that opening no longer says it.
    expect(await close.getAttribute('aria-keyshortcuts')).toBe('Escape');
    await close.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('conversation').waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('a[a11y-007] a11y-007, open conversation');
    await page.close();
  });

  it('after paging to the last or first page: on the other pager button', async () => {
    const page = await seeded.context.newPage();
    // Tall enough that the table's top stays in view: the page does not scroll to it.
    await page.setViewportSize({ width: 1440, height: 2000 });
    await open('t=all&size=25', page);
    await expect.poll(() => range(page)).toBe(`1–25 of ${TOTAL}`);
    await page.getByRole('button', { name: 'Next page' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => range(page)).toBe(`26–${TOTAL} of ${TOTAL}`);
    await expect.poll(() => focused(page)).toBe('button Previous page');
    await page.keyboard.press('Enter');
    await expect.poll(() => range(page)).toBe(`1–25 of ${TOTAL}`);
    await expect.poll(() => focused(page)).toBe('button Next page');
    await page.close();
  });
});

describe('contrast (WCAG AA, 4.5:1 for this small text)', () => {
  it('metric badges, "no price", chart axes and role labels read in light mode; "no price" in dark', async () => {
    const page = await open('t=all');
    const low: string[] = [];
    const check = async (selectors: string[], mode = '') => {
      for (const sel of selectors) {
        const ratio = await minContrast(page, sel);
        if (ratio < 4.5) low.push(`${sel}${mode}: ${ratio.toFixed(2)}`);
      }
    };
    await page.locator('tbody tr[data-key]').first().waitFor();
    await page.locator('svg .axis').first().waitFor();
    await check(['td .none', 'svg .axis']);
    await page.goto(`${collector.url}/?t=all&session=${a11ySessionId(2)}`);
    await page.locator('article[data-role="assistant"] .b.cost').first().waitFor();
    await check(['.b.in', '.b.out', '.b.cost', 'article[data-role="assistant"] button.role']);
    await page.goto(`${collector.url}/?t=all&session=${a11ySessionId(1)}`);
    await page.locator('.b.cost.none').first().waitFor();
    await check(['.b.cost.none']);
    await page.emulateMedia({ colorScheme: 'dark' });
    await check(['.b.cost.none', 'td .none'], ' (dark)');
    expect(low).toEqual([]);
    await page.close();
  });
});

describe('conversation', () => {
  it('takes focus along a "goes on from" link, in a note (not a separator) naming the message', async () => {
    const page = await openSession(THREADS);
    const conversation = page.getByTestId('conversation');
    expect(await conversation.getByRole('separator').count()).toBe(0);
    const note = conversation.getByRole('note');
    expect(await note.count()).toBe(1);
    const link = note.getByRole('link', { name: /assistant message of .* \(#3\)/ });
    await link.focus();
    await page.keyboard.press('Enter');
    const target = conversation.locator('article.highlighted');
    await target.waitFor();
    expect(await target.locator('.body').innerText()).toContain('first answer');
    expect(await target.evaluate((el) => el.querySelector('button.role') === document.activeElement)).toBe(
      true,
    );
    await page.close();
  });

  it('gives each message a heading and a name, and its link button the same name', async () => {
    const page = await openSession(THREADS);
    const conversation = page.getByTestId('conversation');
    const articles = conversation.locator('article');
    const count = await articles.count();
    expect(count).toBeGreaterThan(3);
    expect(await conversation.getByRole('heading', { level: 3 }).count()).toBe(count);
    const names = await articles.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
    expect(names[0]).toMatch(/^\w+ message of .* \(#1\)$/);
    expect(new Set(names).size).toBe(count);
    const links = await conversation
      .getByRole('button', { name: /^Link to the / })
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    expect(links).toEqual(names.map((n) => `Link to the ${n}`));
    await page.close();
  });

  it('collapses a long message from its top too, focus going to its Show all button', async () => {
    const page = await openSession(a11ySessionId(LONG_ANSWER));
    const answer = page.locator('article[data-role="assistant"]');
    await answer.getByRole('button', { name: /^Show all/ }).click();
    const collapse = answer.getByRole('button', { name: 'Collapse' });
    await expect.poll(() => collapse.count()).toBe(2);
    const top = (await collapse.first().boundingBox())?.y ?? Infinity;
    const text = (await answer.locator('.content').boundingBox())?.y ?? -Infinity;
    expect(top).toBeLessThan(text);
    await collapse.first().focus();
    await page.keyboard.press('Enter');
    await answer.locator('.content.clipped').waitFor();
    expect(await focused(page)).toMatch(/^button Show all/);
    await page.close();
  });

  it('reads the badges of a call in words, and shows them as before', async () => {
    const page = await openSession(a11ySessionId(2));
    const conversation = page.getByTestId('conversation');
    const answer = conversation.locator('article[data-role="assistant"]');
    await answer.locator('.b.lat').waitFor();
    const tree = await conversation.ariaSnapshot();
    expect(tree).toMatch(/12,345,680 input tokens, input cost \$[\d.]+/);
    expect(tree).toMatch(/2,345,680 output tokens, output cost \$[\d.]+, latency 700 ms/);
    expect(tree).not.toMatch(/\b(in|out) (12\.3M|2\.3M|\$)/);
    expect(await answer.locator('.b').allInnerTexts()).toEqual([
      'out 2.3M',
      expect.stringMatching(/^out \$[\d.]+$/),
      '700 ms',
    ]);
    await page.close();
  });

  it('says "Copied" in a live region that is there before the copy, outside the button', async () => {
    const page = await openSession(a11ySessionId(4));
    const button = page.getByTestId('conversation').getByRole('button', { name: 'Copy full id' });
    const region = () =>
      button.evaluate((el) => {
        const next = el.nextElementSibling;
        return next?.getAttribute('role') === 'status' ? (next.textContent ?? '') : null;
      });
    expect(await region()).toBe('');
    await button.click();
    await expect.poll(region).toBe('Copied');
    // The visible toast stays.
    expect(await button.locator('.toast').innerText()).toBe('copied');
    await page.close();
  });
});

describe('sessions list', () => {
  it('shows a new page from its column headers, below the sticky header, with focus on the table', async () => {
    const page = await seeded.context.newPage();
    // Short enough that the pager and the table's top are never in view together.
    await page.setViewportSize({ width: 1440, height: 600 });
    await open('t=all&size=25', page);
    await expect.poll(() => range(page)).toBe(`1–25 of ${TOTAL}`);
    const next = page.getByRole('button', { name: 'Next page' });
    await next.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => range(page)).toBe(`26–${TOTAL} of ${TOTAL}`);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    const headerBottom = await page.locator('.top').evaluate((el) => el.getBoundingClientRect().bottom);
    await expect
      .poll(() => page.locator('thead').evaluate((el) => el.getBoundingClientRect().top))
      .toBeGreaterThanOrEqual(headerBottom);
    expect(await focused(page)).toMatch(/^table/);
    await page.close();
  });

  it('announces the results after a search, politely, and the empty state', async () => {
    const page = await open('t=all');
    const status = page.getByTestId('results-status');
    expect(await status.getAttribute('role')).toBe('status');
    await expect.poll(() => status.innerText()).toBe(`Sessions 1–${TOTAL} of ${TOTAL}`);
    await page.getByTestId('search').fill('a11y-01');
    await expect.poll(() => status.innerText()).toBe('Sessions 1–10 of 10');
    await page.getByTestId('search').fill('no-such-session');
    await expect.poll(() => status.innerText()).toBe('No session matches these filters');
    await page.close();
  });

  it('has a level-1 heading, and model counts that say what they count', async () => {
    const page = await open('t=all');
    await page.locator('tbody tr[data-key]').first().waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Sessions' }).count()).toBe(1);
    await page.getByTestId('model-select').locator('summary').click();
    await page.getByRole('checkbox', { name: new RegExp(`^${PRICED} \\d+ sessions$`) }).waitFor();
    expect(await page.getByRole('checkbox', { name: `${SOLO} 1 session`, exact: true }).count()).toBe(1);
    await page.close();
  });

  it('closes a menu when the keyboard leaves it', async () => {
    const page = await open('t=all');
    const models = page.getByTestId('model-select');
    await models.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => models.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('input Search session id (substring)');
    await expect.poll(() => models.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    await page.close();
  });

  it('opens the source picker as a popup: expanded, focus inside, Escape closes it back to its button', async () => {
    const page = await open('t=all');
    const badge = page.locator('[data-testid="source-badge"][data-source-state="ready"]');
    expect(await badge.getAttribute('aria-expanded')).toBe('false');
    await badge.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => badge.getAttribute('aria-expanded')).toBe('true');
    await expect
      .poll(() => page.evaluate(() => !!document.activeElement?.closest('#source-picker')))
      .toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => badge.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#source-picker').count()).toBe(0);
    expect(await badge.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.close();
  });

  it('applies a page size chosen by arrow keys once, when the select is left', async () => {
    const page = await open('t=all&size=25');
    await expect.poll(() => range(page)).toBe(`1–25 of ${TOTAL}`);
    const before = await page.evaluate(() => history.length);
    await page.getByRole('combobox', { name: 'Rows per page' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await expect.poll(() => new URL(page.url()).searchParams.get('size')).toBe('100');
    await expect.poll(() => range(page)).toBe(`1–${TOTAL} of ${TOTAL}`);
    expect(await page.evaluate(() => history.length)).toBe(before + 1);
    await page.close();
  });
});

describe('sessions table rows', () => {
  const rowLink = (page: Page, name: string) =>
    page.getByTestId('sessions').getByRole('link', { name: `${name}, open conversation`, exact: true });

  it('name each row by its whole id and what it does, mark the open one current, and show every copy button to a screen reader', async () => {
    // Beside the conversation: the list is 438 px wide and cuts the long ids.
    const page = await openSession(THREADS);
    const threads = rowLink(page, THREADS);
    await threads.waitFor();
    expect(await threads.locator('.id-text').innerText()).toContain('…');
    expect(await threads.getAttribute('aria-current')).toBe('true');
    expect(await page.getByTestId('sessions').locator('[aria-current]').count()).toBe(1);
    expect(await rowLink(page, `trace ${SESSIONLESS_TRACE} (no session id)`).count()).toBe(1);
    // A row of a table cannot be selected (aria-selected is for grids and listboxes).
    expect(await page.locator('tbody [aria-selected]').count()).toBe(0);
    const rows = await page.locator('tbody tr[data-key]').count();
    expect(rows).toBe(TOTAL);
    const copies = page.getByTestId('sessions').getByRole('button', { name: 'Copy full id' });
    expect(await copies.count()).toBe(rows);
    const id = a11ySessionId(7);
    expect(await page.locator(`tbody tr[data-key="${id}"]`).ariaSnapshot()).toMatch(
      new RegExp(
        [
          `^- row "${id}, open conversation Copy full id [^"]+":`,
          `  - cell "${id}, open conversation Copy full id":`,
          `    - link "${id}, open conversation":`,
          `      - /url: ${collector.url.replaceAll('.', '\\.')}/\\?t=all&session=${id}`,
          `      - text: ${id}`,
          `    - button "Copy full id"`,
        ].join('\n'),
      ),
    );
    await page.close();
  });

  it('keep one Tab stop that the arrows move; Tab goes on to its copy button, then the pager; Enter opens, which the route announcer says', async () => {
    const page = await open('t=all&q=a11y-00&sort=session:asc');
    const first = rowLink(page, a11ySessionId(0));
    await first.waitFor();
    const stops = () =>
      page
        .locator('tbody [tabindex="0"]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    expect(await stops()).toEqual([`${a11ySessionId(0)}, open conversation`, 'Copy full id']);
    await first.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const two = `a[${a11ySessionId(2)}] ${a11ySessionId(2)}, open conversation`;
    expect(await focused(page)).toBe(two);
    expect(await stops()).toEqual([`${a11ySessionId(2)}, open conversation`, 'Copy full id']);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe(`button[${a11ySessionId(2)}] Copy full id`);
    // Copying never opens the row.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(a11ySessionId(2));
    expect(new URL(page.url()).searchParams.get('session')).toBeNull();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('select Rows per page');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe(two);
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('session')).toBe(a11ySessionId(2));
    await expect
      .poll(() => page.locator('#svelte-announcer').textContent())
      .toMatch(new RegExp(`^\\s*${a11ySessionId(2)} · Parley\\s*$`));
    expect(await focused(page)).toBe(two);
    expect(await rowLink(page, a11ySessionId(2)).getAttribute('aria-current')).toBe('true');
    await page.close();
  });
});

describe('skip link and announcements', () => {
  it('skips to the sessions, or to the open conversation, from the first Tab', async () => {
    const page = await open('t=all');
    await page.locator('tbody tr[data-key]').first().waitFor();
    const skip = page.getByRole('link', { name: 'Skip to sessions' });
    expect((await skip.boundingBox())?.width).toBeLessThanOrEqual(1);
    await page.keyboard.press('Tab');
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await skip.boundingBox())?.width).toBeGreaterThan(50);
    await page.keyboard.press('Enter');
    // The list's current row: the most recent session.
    await expect.poll(() => focused(page)).toBe(`a[${THREADS}] ${THREADS}, open conversation`);
    await page.close();

    const open2 = await openSession(a11ySessionId(6));
    await open2.keyboard.press('Tab');
    await open2.getByRole('link', { name: 'Skip to conversation' }).press('Enter');
    expect(await open2.evaluate(() => document.activeElement?.id)).toBe('conversation');
    await open2.keyboard.press('Tab');
    expect(await open2.evaluate(() => !!document.activeElement?.closest('#conversation'))).toBe(true);
    await open2.close();
  });

  it('lets the route announcer speak when the title changes (a session opened), not at each filter', async () => {
    const page = await open('t=all');
    const status = page.getByTestId('results-status');
    await expect.poll(() => status.innerText()).toBe(`Sessions 1–${TOTAL} of ${TOTAL}`);
    // The first navigation makes SvelteKit's announcer say the title once; count what follows.
    await page.getByTestId('search').fill('a11y');
    const announcer = page.locator('#svelte-announcer');
    await expect.poll(() => announcer.textContent()).toMatch(/^\s*Parley · Sessions\s*$/);
    await announcer.evaluate((el) => {
      const w = window as unknown as { said: string[] };
      w.said = [];
      new MutationObserver(() => w.said.push(el.textContent ?? '')).observe(el, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    const said = () => page.evaluate(() => (window as unknown as { said: string[] }).said);
    await page.getByTestId('search').fill('a11y-01');
    await expect.poll(() => status.innerText()).toBe('Sessions 1–10 of 10');
    await page.getByRole('button', { name: 'Calls', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('calls:desc');
    await page.getByRole('button', { name: '7d', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe('7d');
    await expect.poll(() => status.innerText()).toBe('Sessions 1–10 of 10');
    expect(await said()).toEqual([]);
    await page.locator('tbody tr[data-key]').first().click();
    await expect.poll(said).toEqual([expect.stringMatching(/^a11y-01\d · Parley$/)]);
    await page.close();
  });
});

describe('opening a conversation', () => {
  it('is said once, by the route announcer, whether opened by Enter or by Back', async () => {
    const page = await open('t=all&q=a11y-00&sort=session:asc');
    const status = page.getByTestId('results-status');
    await expect.poll(() => status.innerText()).toBe('Sessions 1–10 of 10');
    // Every change of a live region's text after the region is on the page is something a
    // screen reader says: record each region's text as a batch of mutations leaves it.
    await page.evaluate(() => {
      const live = '[aria-live], [role="status"], [role="alert"], [role="log"]';
      const w = window as unknown as { said: string[] };
      w.said = [];
      const last = new Map<Element, string>();
      const known = new Set<Element>(document.querySelectorAll(live));
      for (const el of known) last.set(el, el.textContent?.trim() ?? '');
      new MutationObserver((records) => {
        const changed = new Set<Element>();
        for (const r of records) {
          const at = r.target instanceof Element ? r.target : r.target.parentElement;
          const region = at?.closest(live);
          if (region && known.has(region)) changed.add(region);
        }
        for (const region of changed) {
          const text = region.textContent?.trim() ?? '';
          if (text !== '' && text !== last.get(region))
            w.said.push(
              `${region.id || region.getAttribute('data-testid') || region.getAttribute('role')}: ${text}`,
            );
          last.set(region, text);
        }
        for (const el of document.querySelectorAll(live)) {
          if (!known.has(el)) last.set(el, el.textContent?.trim() ?? '');
          known.add(el);
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const said = () => page.evaluate(() => (window as unknown as { said: string[] }).said);
    const settled = () =>
      page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const title = `${a11ySessionId(2)} · Parley`;

    await page.getByRole('link', { name: `${a11ySessionId(2)}, open conversation` }).press('Enter');
    await page.getByTestId('conversation').locator('article').first().waitFor();
    await settled();
    expect(await said()).toEqual([`svelte-announcer: ${title}`]);

    await page.keyboard.press('Escape');
    await page.getByTestId('conversation').waitFor({ state: 'detached' });
    await page.goBack();
    await page.getByTestId('conversation').locator('article').first().waitFor();
    await settled();
    expect(await said()).toEqual([
      `svelte-announcer: ${title}`,
      'svelte-announcer: Parley · Sessions',
      `svelte-announcer: ${title}`,
    ]);
    await page.close();
  });
});

describe('times', () => {
  it('name their UTC offset on the list page: by the range, in the time headers, in the custom form', async () => {
    const context = await newContext(seeded.browser, collector.url, { timezoneId: 'Asia/Kolkata' });
    const page = await context.newPage();
    await page.goto(`${collector.url}/?t=24h`);
    await page.locator('tbody tr[data-key]').first().waitFor();
    expect(await page.getByTestId('range-zone').innerText()).toBe('UTC+5:30');
    expect(await page.getByRole('button', { name: 'Last', exact: true }).getAttribute('title')).toBe(
      'Last span, local time (UTC+5:30)',
    );
    await page.getByRole('button', { name: 'Custom' }).click();
    expect(await page.getByTestId('custom-zone').innerText()).toBe('Local time, UTC+5:30');
    await context.close();
  });
});

describe('chart', () => {
  it('draws no cost dot for a bucket without a priced call', async () => {
    const page = await open('t=all');
    const chart = page.getByTestId('usage-chart');
    await chart.waitFor();
    const { costs, dots } = await chart.evaluate((svg) => ({
      costs: [...svg.querySelectorAll('g > title')].map((t) => (t.textContent ?? '').trim()),
      dots: svg.querySelectorAll('.cost-dot').length,
    }));
    const unpriced = costs.filter((t) => t.endsWith('no price')).length;
    expect(unpriced, costs.join('\n')).toBeGreaterThan(0);
    expect(dots).toBe(costs.length - unpriced);
    // Its total counts the priced calls only, and says so, as a session's cost does.
    const total = page.getByTestId('chart-total');
    expect(await total.locator('.partial').innerText()).toBe('partial');
    expect(await total.locator('.partial').getAttribute('title')).toMatch(
      /^\d+ call\(s\) have no known price/,
    );
    await page.close();
  });
});

describe('reflow and motion', () => {
  it('keeps Session, Last and Cost in view without scrolling sideways at 390 and 720px', async () => {
    for (const width of [390, 720]) {
      const page = await seeded.context.newPage();
      await page.setViewportSize({ width, height: 844 });
      await open('t=all', page);
      const table = page.getByTestId('sessions');
      await table.locator('tbody tr[data-key]').first().waitFor();
      await expect
        .poll(async () => ({
          width,
          overflow: await table.evaluate((el) => el.scrollWidth - el.clientWidth),
        }))
        .toEqual({ width, overflow: 0 });
      const shown = await table.evaluate((el) =>
        [...el.querySelectorAll('thead th')]
          .filter((th) => getComputedStyle(th).display !== 'none')
          .map((th) => th.textContent?.trim()),
      );
      expect(shown, `${width}px`).toEqual(expect.arrayContaining(['Session', 'Last', 'Cost']));
      await page.close();
    }
  });

  it('uses the room of the list above a conversation (768px): more columns, ids cut by their room', async () => {
    const page = await seeded.context.newPage();
    await page.setViewportSize({ width: 768, height: 1024 });
    await open(`t=all&session=${THREADS}`, page);
    const table = page.getByTestId('sessions');
    await table.locator('tbody tr[data-key]').first().waitFor();
    const shown = await table.evaluate((el) =>
      [...el.querySelectorAll('thead th')]
        .filter((th) => getComputedStyle(th).display !== 'none')
        .map((th) => th.textContent?.trim()),
    );
    expect(shown).toEqual(['Session', 'Last', 'Calls', 'In', 'Out', 'Cost']);
    const idText = (name: string) =>
      table.getByRole('link', { name: `${name}, open conversation` }).locator('.id-text');
    // 32 characters, whole: the old list cut every id to 22 or less.
    expect(await idText(`trace ${SESSIONLESS_TRACE} (no session id)`).innerText()).toBe(SESSIONLESS_TRACE);
    const cut = async () => (await idText(THREADS).innerText()).length;
    const wide = await cut();
    expect(wide).toBeGreaterThan(22);
    expect(wide).toBeLessThan(THREADS.length);
    const clipped = () =>
      table
        .locator('.id-text')
        .evaluateAll((els) => els.filter((el) => el.scrollWidth > el.clientWidth).length);
    expect(await clipped()).toBe(0);
    // A phone: cut shorter, the start and the end of the id in view, no character clipped.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(cut).toBeLessThan(wide);
    expect(await idText(THREADS).innerText()).toMatch(/^a11y-thr.*….*question$/);
    expect(await clipped()).toBe(0);
    await page.close();
  });

  it('does not scroll sideways at 390px with a conversation open', async () => {
    const page = await seeded.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await open(`t=all&session=${a11ySessionId(2)}`, page);
    await page.getByTestId('role-rollup').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('stops the loading spinner when reduced motion is asked for', async () => {
    const context = await newContext(seeded.browser, collector.url, { reducedMotion: 'reduce' });
    const page = await context.newPage();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/data/manifest.json', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${collector.url}/?t=all`);
    const spinner = page.getByTestId('progress').locator('.spin');
    await spinner.waitFor();
    expect(await spinner.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    release();
    await context.close();
  });
});
