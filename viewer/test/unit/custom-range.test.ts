import { describe, expect, it } from 'vitest';
import { customRangeStart, extentWords } from '../../src/lib/custom-range.ts';

const us = (iso: string): number => Date.parse(iso) * 1000;
const NOW = us('2026-11-27T12:00:00Z');
const OLD = { minUs: us('2026-10-08T10:00:00Z'), maxUs: us('2026-10-15T09:30:00Z') };

describe('the custom range form', () => {
  it('starts from the range on screen when it reaches the data', () => {
    const recent = { minUs: NOW - 3_600e6, maxUs: NOW };
    expect(customRangeStart({ kind: 'relative', range: '24h' }, NOW, recent)).toEqual({
      fromUs: NOW - 86_400e6,
      toUs: NOW,
    });
    const abs = { kind: 'absolute' as const, fromUs: OLD.minUs, toUs: OLD.minUs + 1 };
    expect(customRangeStart(abs, NOW, OLD)).toEqual({ fromUs: abs.fromUs, toUs: abs.toUs });
  });

  it('starts from the data when the range on screen misses all of it', () => {
    expect(customRangeStart({ kind: 'relative', range: '24h' }, NOW, OLD)).toEqual({
      fromUs: OLD.minUs,
      toUs: OLD.maxUs + 60e6,
    });
  });

  it('keeps the range on screen when the source has no data', () => {
    expect(customRangeStart({ kind: 'relative', range: '1h' }, NOW, null)).toEqual({
      fromUs: NOW - 3_600e6,
      toUs: NOW,
    });
  });
});

describe('the data extent in words', () => {
  it('names the first and last day, the year once', () => {
    expect(extentWords(OLD)).toBe('from 8 Oct to 15 Oct 2026');
    expect(extentWords({ minUs: us('2025-12-30T12:00:00Z'), maxUs: us('2026-01-02T12:00:00Z') })).toBe(
      'from 30 Dec 2025 to 2 Jan 2026',
    );
    expect(extentWords({ minUs: us('2026-10-08T11:00:00Z'), maxUs: us('2026-10-08T12:00:00Z') })).toBe(
      'on 8 Oct 2026',
    );
  });
});
