import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimeBucket } from '@parley/shared/view';
import {
  bucketSpan,
  bucketValues,
  bucketWidth,
  chartSummary,
  offHourNote,
} from '../../src/lib/chart-labels.ts';

const HOUR = 3_600_000_000;
const DAY = 24 * HOUR;
/** 2026-11-01 00:00 in Los Angeles (UTC-7); the clocks go back at 02:00. */
const NOV_1 = Date.UTC(2026, 10, 1, 7) * 1000;

const bucket = (patch: Partial<TimeBucket>): TimeBucket => ({
  bucketUs: NOV_1,
  llmCalls: 2,
  inputTokens: 1200,
  outputTokens: 30,
  cachedInputTokens: 0,
  totalCostUsd: 0.0123,
  unpricedCalls: 0,
  ...patch,
});

let zone: string | undefined;
beforeAll(() => {
  zone = process.env.TZ;
  process.env.TZ = 'America/Los_Angeles';
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('chart labels', () => {
  it('name a bucket by the local time it covers', () => {
    expect(bucketSpan(NOV_1, NOV_1 + 25 * HOUR, DAY)).toBe('2026-11-01');
    expect(bucketSpan(NOV_1, NOV_1 + 7 * DAY + HOUR, 7 * DAY)).toBe('2026-11-01 – 2026-11-07');
    expect(bucketSpan(NOV_1, NOV_1 + 4 * HOUR, 3 * HOUR)).toBe('2026-11-01 00:00–03:00');
    expect(bucketWidth(DAY)).toBe('1 day');
    expect(bucketWidth(3 * HOUR)).toBe('3 hours');
    expect(bucketWidth(5 * 60_000_000)).toBe('5 min');
  });

  it("give a bucket's values, partial costs said", () => {
    expect(bucketValues(bucket({}))).toBe('2 calls, 1,200 in, 30 out, $0.0123');
    expect(bucketValues(bucket({ llmCalls: 1, unpricedCalls: 1, totalCostUsd: null }))).toBe(
      '1 call, 1,200 in, 30 out, no price',
    );
    expect(bucketValues(bucket({ unpricedCalls: 1 }))).toBe(
      '2 calls, 1,200 in, 30 out, $0.0123 (1 of the calls without a price)',
    );
  });

  it('sum the chart up in a sentence with its busiest bar', () => {
    const bars = [
      { b: bucket({}), endUs: NOV_1 + 25 * HOUR },
      { b: bucket({ bucketUs: NOV_1 + 25 * HOUR, inputTokens: 9000 }), endUs: NOV_1 + 49 * HOUR },
    ];
    expect(chartSummary(bars, DAY, { startUs: NOV_1, endUs: NOV_1 + 49 * HOUR })).toBe(
      '2 bars of 1 day with calls, from 2026-11-01 to 2026-11-02, local time (UTC-7 / UTC-8). Most tokens: 2026-11-02, 9,030.',
    );
    expect(offHourNote(Date.UTC(2026, 10, 1, 19) * 1000)).toBe(
      'bars start at :00 local time: usage is stored per UTC hour',
    );
  });
});
