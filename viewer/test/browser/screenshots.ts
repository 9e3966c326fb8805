/**
 * Screenshots of the main views for the docs: the real collector fed with the fixtures, the built
 * viewer, Debian's Chromium. Run with `npm run screenshots -w @parley/viewer` (builds first if needed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launch, newContext } from './chromium.ts';
import { startCollector } from './collector.ts';
import buildIfStale from './global-setup.ts';
import { seed } from './seed.ts';

const outDir = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url));
const conversation = 'session=vercel-ai%2Fconv-multi-turn-001';

interface Shot {
  file: string;
  query: string;
  colorScheme: 'light' | 'dark';
  viewport: { width: number; height: number };
  ready: (page: Page) => Promise<void>;
}

const tableReady = (page: Page) =>
  page.locator('[data-testid="sessions"][aria-busy="false"] tbody tr[data-key]').first().waitFor();
/** The table and the tokens/cost chart (it comes once DuckDB is up, after the first page). */
const sessionsReady = async (page: Page) => {
  await tableReady(page);
  await page.getByTestId('usage-chart').waitFor();
};
const conversationReady = async (page: Page) => {
  await tableReady(page);
  await page.locator('[data-testid="conversation"] article').first().waitFor();
};

const shots: Shot[] = [
  {
    file: 'sessions.png',
    query: 't=all',
    colorScheme: 'light',
    viewport: { width: 1440, height: 900 },
    ready: sessionsReady,
  },
  {
    file: 'conversation.png',
    query: `t=all&${conversation}`,
    colorScheme: 'light',
    viewport: { width: 1440, height: 900 },
    ready: conversationReady,
  },
  {
    file: 'dark.png',
    query: `t=all&${conversation}`,
    colorScheme: 'dark',
    viewport: { width: 1440, height: 900 },
    ready: conversationReady,
  },
  {
    file: 'dark-sessions.png',
    query: 't=all&q=conv',
    colorScheme: 'dark',
    viewport: { width: 1440, height: 900 },
    ready: sessionsReady,
  },
  {
    file: 'narrow.png',
    query: `t=all&${conversation}`,
    colorScheme: 'light',
    viewport: { width: 390, height: 844 },
    ready: conversationReady,
  },
];

buildIfStale();
fs.mkdirSync(outDir, { recursive: true });
const collector = await startCollector();
const browser = await launch();
try {
  await seed(collector.url);
  for (const shot of shots) {
    const context = await newContext(browser, collector.url, {
      viewport: shot.viewport,
      colorScheme: shot.colorScheme,
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(`${collector.url}/?${shot.query}`);
    await shot.ready(page);
    await page.mouse.move(0, shot.viewport.height - 1);
    await page.screenshot({ path: path.join(outDir, shot.file) });
    await context.close();
    process.stdout.write(`wrote docs/screenshots/${shot.file}\n`);
  }
} finally {
  await browser.close();
  await collector.stop();
}
