import { describe, expect, it } from 'vitest';
import { frozenTimeRange, resolveTimeRange } from '../../src/sql/time.ts';

const NOW_US = Date.UTC(2026, 10, 27, 14, 30, 15, 500) * 1000;
const MINUTE_US = 60_000_000;

describe('frozenTimeRange', () => {
  it('turns a relative range into the same window as absolute times, ending at the next minute', () => {
    const frozen = frozenTimeRange({ kind: 'relative', range: '24h' }, NOW_US);
    expect(frozen).toEqual({
      kind: 'absolute',
      fromUs: NOW_US - 24 * 60 * MINUTE_US,
      toUs: Date.UTC(2026, 10, 27, 14, 31) * 1000,
    });
    // What the link opens holds what the open-ended range held at that moment.
    const open = resolveTimeRange({ kind: 'relative', range: '24h' }, NOW_US);
    expect(open.fromUs).toBe(frozen.kind === 'absolute' ? frozen.fromUs : null);
  });

  it('keeps all time and absolute ranges as they are', () => {
    const all = { kind: 'relative', range: 'all' } as const;
    expect(frozenTimeRange(all, NOW_US)).toBe(all);
    const fixed = { kind: 'absolute', fromUs: 1, toUs: 2 } as const;
    expect(frozenTimeRange(fixed, NOW_US)).toBe(fixed);
  });

  it('ends a range frozen on a whole minute at that minute', () => {
    const onMinute = Date.UTC(2026, 10, 27, 14, 30) * 1000;
    expect(frozenTimeRange({ kind: 'relative', range: '15m' }, onMinute)).toMatchObject({ toUs: onMinute });
  });
});
