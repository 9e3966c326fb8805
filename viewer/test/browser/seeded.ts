/**
 * A real collector fed one OTLP/JSON body and flushed, with Chromium and a context allowed to use
 * the clipboard on it: what a browser test file needs before its first page.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { launch, newContext } from './chromium.ts';
import { post, startCollector, waitFlushed, type RunningCollector } from './collector.ts';

export interface Seeded {
  collector: RunningCollector;
  browser: Browser;
  context: BrowserContext;
  stop(): Promise<void>;
}

export async function startSeeded(body: Uint8Array): Promise<Seeded> {
  const collector = await startCollector();
  await post(collector.url, '/v1/traces', body, 'application/json');
  await waitFlushed(collector.url);
  const browser = await launch();
  return {
    collector,
    browser,
    context: await newContext(browser, collector.url),
    stop: async () => {
      await browser.close();
      await collector.stop();
    },
  };
}
