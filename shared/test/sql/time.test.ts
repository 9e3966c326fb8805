import { describe, expect, it } from 'vitest';
import { frozenTimeRange, resolveTimeRange } from '../../src/sql/time.ts';

const NOW_US = Date.UTC(2026, 10, 27, 14, 30, 15, 500) * 1000;

describe('frozenTimeRange', () => {
  it('turns a relative range into the window it covers, as whole minutes around it', () => {
    const frozen = frozenTimeRange({ kind: 'relative', range: '24h' }, NOW_US);
    expect(frozen).toEqual({
      kind: 'absolute',
      fromUs: Date.UTC(2026, 10, 26, 14, 30) * 1000,
      toUs: Date.UTC(2026, 10, 27, 14, 31) * 1000,
    });
    // What the link opens holds what the open-ended range held at that moment.
    const open = resolveTimeRange({ kind: 'relative', range: '24h' }, NOW_US);
    expect(frozen.kind === 'absolute' && frozen.fromUs <= (open.fromUs ?? 0)).toBe(true);
    // A click a few seconds later gives the same link.
    expect(frozenTimeRange({ kind: 'relative', range: '24h' }, NOW_US + 30 * 1_000_000)).toEqual(frozen);
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
