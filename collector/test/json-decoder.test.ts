import { afterEach, describe, expect, it, vi } from 'vitest';
import { listFixtures } from '@parley/test-data/fixtures';
import { createJsonDecoder } from '../src/json-decoder.ts';
import type { JsonDecoder } from '../src/json-decoder.ts';
import { decodeSummary } from '../src/request-decode.ts';

const decoders: JsonDecoder[] = [];
afterEach(async () => {
  for (const d of decoders.splice(0)) await d.close();
});

function decoder(options: { idleMs?: number; threadUrl?: URL } = {}): JsonDecoder {
  const d = createJsonDecoder({ minBytes: 0, idleMs: 60_000, ...options });
  decoders.push(d);
  return d;
}

const bodies = listFixtures()
  .filter((f) => f.name.endsWith('-json'))
  .flatMap((f) => f.bodies.map((b) => ({ signal: b.signal, bytes: b.bytes })));

describe('the off-thread JSON decoder', () => {
  it('answers each captured JSON body as the receivers’ thread does, and gives the body back', async () => {
    const d = decoder();
    expect(bodies.length).toBeGreaterThan(4);
    for (const { signal, bytes } of bodies) {
      const copy = Uint8Array.from(bytes);
      const answer = await d.decode(signal, copy);
      if ('failed' in answer) throw new Error(answer.failed);
      expect(answer.summary).toEqual(decodeSummary(signal, bytes, 'json'));
      expect(Buffer.from(answer.body).equals(Buffer.from(bytes))).toBe(true);
    }
    const broken = new TextEncoder().encode('{"resourceSpans": [');
    const expected = decodeSummary('traces', broken, 'json');
    expect(expected.ok).toBe(false);
    const answer = await d.decode('traces', broken);
    expect('summary' in answer && answer.summary).toEqual(expected);
  });

  it('copies a body that is a view into a larger buffer, leaving that buffer as it was', async () => {
    const { signal, bytes } = bodies[0] as (typeof bodies)[number];
    const shared = new Uint8Array(bytes.length + 16);
    shared.set(bytes, 8);
    const view = shared.subarray(8, 8 + bytes.length);
    const answer = await decoder().decode(signal, view);
    expect('summary' in answer && answer.summary.ok).toBe(true);
    expect(shared.byteLength).toBe(bytes.length + 16);
    expect(Buffer.from(view).equals(Buffer.from(bytes))).toBe(true);
  });

  it('stops its worker once idle, and starts another for the next body', async () => {
    const d = decoder({ idleMs: 20 });
    const { signal, bytes } = bodies[0] as (typeof bodies)[number];
    await d.decode(signal, Uint8Array.from(bytes));
    await vi.waitFor(() => expect(d.running()).toBe(false), { timeout: 10_000, interval: 20 });
    const answer = await d.decode(signal, Uint8Array.from(bytes));
    expect('summary' in answer && answer.summary.ok).toBe(true);
  });

  it('answers failed, not hanging, when its worker dies', async () => {
    const d = decoder({ threadUrl: new URL('./helpers/dying-json-decoder-thread.ts', import.meta.url) });
    const answer = await d.decode('traces', new TextEncoder().encode('{}'));
    expect(answer).toEqual({ failed: expect.stringContaining('exited with code 3') });
    expect(d.running()).toBe(false);
  });
});
