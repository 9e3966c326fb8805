import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatCost,
  preciseCost,
  formatDuration,
  formatInt,
  formatTokens,
  pageRange,
  truncateMiddle,
  zoneLabel,
  zoneLabels,
} from '../../src/lib/format.ts';

const intlInteger = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const intlCompact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

describe('format', () => {
  it('never shows an unknown cost as $0.00', () => {
    expect(formatCost(null)).toBe('no price');
    expect(formatCost(undefined)).toBe('no price');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.0000066)).toBe('$0.00000660');
    expect(formatCost(0.0016)).toBe('$0.00160');
    // One output token of gpt-4o-mini; toPrecision would give $6.0e-7.
    expect(formatCost(6e-7)).toBe('$0.000000600');
    expect(formatCost(1.5e-12)).toBe('$0.00000000000150');
    expect(formatCost(1.234)).toBe('$1.23');
  });

  it('shows the order of costs between a cent and a dollar', () => {
    expect(formatCost(0.0312)).toBe('$0.0312');
    expect(formatCost(0.0305)).toBe('$0.0305');
    expect(formatCost(0.019961999999999997)).toBe('$0.0200');
    expect(formatCost(0.5)).toBe('$0.500');
  });

  it('rounds a cost into the next format up instead of widening it', () => {
    expect(formatCost(0.99996)).toBe('$1.00');
    expect(formatCost(999.996)).toBe('$1,000');
    expect(formatCost(12_345.6)).toBe('$12,346');
  });

  it('decides the digits of a cost after rounding it', () => {
    expect(formatCost(0.009995)).toBe('$0.0100');
    expect(formatCost(0.0009999)).toBe('$0.00100');
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 0.9949, noNaN: true }), (usd) => {
        const digits = formatCost(usd).replace(/^\$0\.0*/, '');
        expect(digits, String(usd)).toMatch(/^\d{3}$/);
      }),
      { numRuns: 5000 },
    );
  });

  it('gives a precise cost without float noise', () => {
    expect(preciseCost(0.019961999999999997)).toBe('$0.019962');
    expect(preciseCost(6e-7)).toBe('$0.0000006');
    expect(preciseCost(1234.5)).toBe('$1,234.5');
    expect(preciseCost(null)).toBe('no price');
    expect(preciseCost(0)).toBe('$0');
  });

  it('gives a precise cost to the cent at least, its thousands grouped', () => {
    expect(preciseCost(10_012.34567)).toBe('$10,012.35');
    expect(preciseCost(123_456.789)).toBe('$123,456.79');
    expect(preciseCost(1_234_567)).toBe('$1,234,567');
    expect(preciseCost(999.9996)).toBe('$1,000');
    // Six significant digits, or cents when they say more (Intl's roundingPriority morePrecision).
    const intl = new Intl.NumberFormat('en-US', {
      maximumFractionDigits: 2,
      maximumSignificantDigits: 6,
      roundingPriority: 'morePrecision',
    });
    for (const usd of [0.5, 1.25, 99.123456, 1234.5678, 98_765.4321, 7_654_321.987])
      expect(preciseCost(usd), String(usd)).toBe(`$${intl.format(usd)}`);
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e15, noNaN: true }), (usd) => {
        const shown = Number(preciseCost(usd).replace(/[$,]/g, ''));
        expect(Math.abs(shown - usd), String(usd)).toBeLessThanOrEqual(
          Math.max(0.005, usd * 5e-6) * (1 + 1e-9),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('states the precise page range', () => {
    expect(pageRange(2, 50, 12_345)).toBe('51–100 of 12,345');
    expect(pageRange(3, 25, 60)).toBe('51–60 of 60');
    expect(pageRange(1, 25, 0)).toBe('0 of 0');
  });

  it('keeps exact token counts below 10k and compacts above', () => {
    expect(formatTokens(9_999)).toBe('9,999');
    expect(formatTokens(25_014)).toBe('25K');
    expect(formatTokens(null)).toBe('—');
  });

  it('writes numbers as Intl.NumberFormat does, without it', () => {
    const edges = [
      0,
      -0,
      0.5,
      1.5,
      -2.5,
      999,
      1_000,
      9_999.5,
      10_000,
      12_345,
      12_350,
      99_950,
      999_949,
      999_950,
      1_234_567,
      999_950_000,
      1e12,
      1.5e15,
      2 ** 53,
      1e21,
      1.5e21,
      Number.NaN,
      Infinity,
      -Infinity,
    ];
    for (const n of edges) expect(formatInt(n), String(n)).toBe(intlInteger.format(n));
    for (const n of edges.filter((x) => Number.isSafeInteger(x) && Math.abs(x) >= 10_000))
      expect(formatTokens(n), String(n)).toBe(intlCompact.format(n));
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true })), (n) => {
        expect(formatInt(n)).toBe(intlInteger.format(n));
        // Token counts are safe integers (the schema caps them far below 2^53).
        if (Number.isSafeInteger(n))
          expect(formatTokens(n)).toBe(Math.abs(n) < 10_000 ? intlInteger.format(n) : intlCompact.format(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('formats durations at a readable scale', () => {
    expect(formatDuration(412)).toBe('412 ms');
    expect(formatDuration(1_200)).toBe('1.20 s');
    expect(formatDuration(125_000)).toBe('2m 5s');
  });

  it('never writes 60 of a unit', () => {
    expect(formatDuration(359_600)).toBe('6m 0s');
    expect(formatDuration(659_700)).toBe('11m 0s');
    expect(formatDuration(59_960)).toBe('1m 0s');
    expect(formatDuration(9_996)).toBe('10.0 s');
    expect(formatDuration(999.6)).toBe('1.00 s');
    expect(formatDuration(3_599_600)).toBe('1h 0m');
    expect(formatDuration(47 * 3_600_000 + 59.6 * 60_000)).toBe('2d 0h');
    expect(formatDuration(90 * 60_000)).toBe('1h 30m');
  });

  it('truncates ids in the middle, keeping both ends', () => {
    const id = 'openinference/conv-multi-turn-001';
    const short = truncateMiddle(id, 20);
    expect(short.length).toBe(19);
    expect(short.startsWith('openinfer')).toBe(true);
    expect(short.endsWith('n-001')).toBe(true);
    expect(truncateMiddle('short', 20)).toBe('short');
  });

  it('names the UTC offset of a time in the zone of the viewer, daylight saving included', () => {
    const saved = process.env.TZ;
    const at = (zone: string, iso: string): string => {
      process.env.TZ = zone;
      return zoneLabel(Date.parse(iso) * 1000);
    };
    try {
      expect(at('UTC', '2026-01-15T12:00:00Z')).toBe('UTC');
      expect(at('America/Los_Angeles', '2026-01-15T12:00:00Z')).toBe('UTC-8');
      expect(at('America/Los_Angeles', '2026-07-15T12:00:00Z')).toBe('UTC-7');
      expect(at('Asia/Kolkata', '2026-07-15T12:00:00Z')).toBe('UTC+5:30');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('names every UTC offset of the viewer over a span of time, in their order', () => {
    const saved = process.env.TZ;
    const over = (zone: string, from: string, to: string): string => {
      process.env.TZ = zone;
      return zoneLabels(Date.parse(from) * 1000, Date.parse(to) * 1000);
    };
    try {
      expect(over('Asia/Kolkata', '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')).toBe('UTC+5:30');
      expect(over('UTC', '2026-07-15T12:00:00Z', '2026-07-15T12:00:00Z')).toBe('UTC');
      expect(over('America/Los_Angeles', '2026-03-01T00:00:00Z', '2026-03-20T00:00:00Z')).toBe(
        'UTC-8 / UTC-7',
      );
      // Back again within the span: each offset once.
      expect(over('America/Los_Angeles', '2025-12-01T00:00:00Z', '2027-01-01T00:00:00Z')).toBe(
        'UTC-8 / UTC-7',
      );
      // A daylight-saving summer inside a span of decades is not stepped over.
      expect(over('Europe/Berlin', '2000-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toBe('UTC+1 / UTC+2');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
