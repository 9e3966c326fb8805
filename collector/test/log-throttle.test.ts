import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../src/log.ts';
import { throttledLog } from '../src/log-throttle.ts';

afterEach(() => {
  vi.useRealTimers();
});

function capture(): { log: Logger; lines: Array<{ event: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ event: string; fields: Record<string, unknown> }> = [];
  return { lines, log: { log: (_level, event, fields = {}) => void lines.push({ event, fields }) } };
}

describe('throttledLog', () => {
  it('logs a key once per interval, then with how many it did not log', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const throttled = throttledLog(10_000);
    const { log, lines } = capture();
    for (let i = 0; i < 5; i++) throttled(log, 'error', 'ingest_failed', 'disk', { n: i });
    throttled(log, 'error', 'ingest_failed', 'other', { n: 'other' });
    vi.advanceTimersByTime(10_000);
    throttled(log, 'error', 'ingest_failed', 'disk', { n: 5 });
    expect(lines).toEqual([
      { event: 'ingest_failed', fields: { n: 0 } },
      { event: 'ingest_failed', fields: { n: 'other' } },
      { event: 'ingest_failed', fields: { n: 5, not_logged_since: 4 } },
    ]);
  });

  it('keeps the count per logger, so one collector never silences another', () => {
    const throttled = throttledLog(60_000);
    const a = capture();
    const b = capture();
    throttled(a.log, 'warn', 'request_rejected', 'k', {});
    throttled(b.log, 'warn', 'request_rejected', 'k', {});
    expect([a.lines.length, b.lines.length]).toEqual([1, 1]);
  });
});
