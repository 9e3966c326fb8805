/**
 * A call's details in the conversation's calls list, in real Chromium against the real collector:
 * the fields the table has no room for, and what the instrumentation sent (the span's raw
 * attributes), read when the call is opened. Every wait is on a condition.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from './collector.ts';
import { traceBody } from './otlp-json.ts';
import { startSeeded, type Seeded } from './seeded.ts';

const SESSION = 'call-details-1';
const TOOL = 'lookup_order';
const TOOL_DESCRIPTION = 'Find an order by its id';
const PAYLOAD = '<img src=x onerror=window.__pwned=1>';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function detailsBody(nowMs: number): Uint8Array {
  const start = BigInt(nowMs - 60_000) * 1_000_000n;
  const tools = [
    {
      type: 'function',
      name: TOOL,
      description: TOOL_DESCRIPTION,
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    },
  ];
  const span = {
    traceId: 'ca11de7a110000000000000000000001',
    spanId: 'ca11de7a11000001',
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 900_000_000n).toString(),
    attributes: [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.provider.name', 'openai'),
      str('gen_ai.request.model', 'gpt-4o'),
      str('gen_ai.response.model', 'gpt-4o-2024-08-06'),
      str('gen_ai.conversation.id', SESSION),
      { key: 'gen_ai.request.temperature', value: { doubleValue: 0.25 } },
      { key: 'gen_ai.request.max_tokens', value: { intValue: '321' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '40' } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: '321' } },
      {
        key: 'gen_ai.response.finish_reasons',
        value: { arrayValue: { values: [{ stringValue: 'length' }] } },
      },
      str('gen_ai.tool.definitions', JSON.stringify(tools)),
      str('app.note', `customer wrote ${PAYLOAD}`),
      str(
        'gen_ai.input.messages',
        JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is order 42?' }] }]),
      ),
      str(
        'gen_ai.output.messages',
        JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'It left' }], finish_reason: 'length' },
        ]),
      ),
    ],
    status: { code: 1 },
  };
  return traceBody([span], 'call-details-app');
}

let seeded: Seeded;
let collector: RunningCollector;

beforeAll(async () => {
  seeded = await startSeeded(detailsBody(Date.now()));
  collector = seeded.collector;
});

afterAll(() => seeded?.stop());

/** A description list's terms and their descriptions, as written (not as styled). */
function terms(list: Locator): Promise<Record<string, string>> {
  return list.evaluate((dl) =>
    Object.fromEntries(
      [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? '']),
    ),
  );
}

async function openCalls(): Promise<Page> {
  const page = await seeded.context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${collector.url}/?t=all&session=${SESSION}`);
  await page.locator('[data-testid="conversation"] article').first().waitFor();
  await page.locator('details.calls > summary').click();
  return page;
}

describe("a call's details", () => {
  it('opens from the keyboard and shows its models, finish reason, parameters and tools from its raw attributes', async () => {
    const page = await openCalls();
    const toggle = page.getByRole('button', { name: /^Details of the call at / });
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('call-details').count()).toBe(0);

    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    const details = page.getByTestId('call-details');
    expect(await details.getAttribute('id')).toBe(await toggle.getAttribute('aria-controls'));
    expect(await terms(details.locator('dl.fields').first())).toMatchObject({
      'Model asked for': 'gpt-4o',
      'Model that answered': 'gpt-4o-2024-08-06',
      'Finish reasons': 'length',
      Service: 'call-details-app',
      'Span name': 'chat gpt-4o',
    });

    // Read from the span's attributes once opened.
    const parameters = details.getByTestId('call-parameters');
    await parameters.waitFor();
    expect(await terms(parameters)).toEqual({ max_tokens: '321', temperature: '0.25' });
    const tools = details.getByTestId('call-tools');
    expect(await tools.innerText()).toContain(`${TOOL} — ${TOOL_DESCRIPTION}`);
    await tools.locator('summary').click();
    expect(await tools.locator('pre').innerText()).toContain('"order_id"');
    const attributes = await details.getByTestId('call-attributes').innerText();
    expect(attributes).toContain('"gen_ai.request.temperature": 0.25');
    expect(await details.getByTestId('call-resource').innerText()).toContain(
      '"service.name": "call-details-app"',
    );

    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('call-details').count()).toBe(0);
    await page.close();
  });

  it('shows HTML in an attribute value as text', async () => {
    const page = await openCalls();
    await page.getByRole('button', { name: /^Details of the call at / }).click();
    const attributes = page.getByTestId('call-attributes');
    await attributes.waitFor();
    expect(await attributes.innerText()).toContain(`"app.note": "customer wrote ${PAYLOAD}"`);
    expect(await page.getByTestId('call-details').locator('img, script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await page.close();
  });
});
