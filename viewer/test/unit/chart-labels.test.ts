import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONTH_US, WEEK_US } from '@parley/shared/sql/zone';
import type { TimeBucket } from '@parley/shared/view';
import {
  bucketSpan,
  bucketValues,
  bucketWidth,
  chartSummary,
  offHourNote,
  totalTokensNote,
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
  unreportedInputCalls: 0,
  unreportedOutputCalls: 0,
  unreportedExact: true,
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
    expect(bucketSpan(NOV_1, NOV_1 + 4 * HOUR, 3 * HOUR)).toBe('2026-11-01 00:00–03:00');
    expect(bucketWidth(DAY)).toBe('1 day');
    expect(bucketWidth(3 * HOUR)).toBe('3 hours');
    expect(bucketWidth(5 * 60_000_000)).toBe('5 min');
  });

  it('name a week by its Monday and Sunday and a month by its name, as the calendar does', () => {
    /** Monday 2026-11-02 00:00 in Los Angeles (UTC-8): the week after the clocks went back. */
    const monday = NOV_1 + 25 * HOUR;
    expect(bucketSpan(monday, monday + 7 * DAY, WEEK_US)).toBe('Mon 2026-11-02 – Sun 2026-11-08');
    // The week of the change is 169 hours long: its Sunday is still named right.
    expect(bucketSpan(monday - 7 * DAY - HOUR, monday, WEEK_US)).toBe('Mon 2026-10-26 – Sun 2026-11-01');
    expect(bucketSpan(NOV_1, NOV_1 + 30 * DAY + HOUR, MONTH_US)).toBe('November 2026');
    expect(bucketWidth(WEEK_US)).toBe('1 week (Monday to Sunday)');
    expect(bucketWidth(MONTH_US)).toBe('1 calendar month');
  });

  it('say tokens no call reported are not reported, not 0, and how many calls a sum leaves out', () => {
    const none = bucket({
      llmCalls: 3,
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: null,
      totalCostUsd: null,
      unpricedCalls: 3,
      unreportedInputCalls: 3,
      unreportedOutputCalls: 3,
    });
    expect(bucketValues(none)).toBe('3 calls, tokens not reported, no price');
    const some = { unreportedInputCalls: 1, unreportedOutputCalls: 1 };
    expect(bucketValues(bucket(some))).toBe(
      '2 calls, 1,200 in, 30 out (1 of the calls reported no tokens), $0.0123',
    );
    // From hourly summaries the count is a floor: a session-hour's calls count only if none reported.
    expect(bucketValues(bucket({ ...some, unreportedExact: false }))).toBe(
      '2 calls, 1,200 in, 30 out (at least 1 of the calls reported no tokens), $0.0123',
    );
    expect(
      bucketValues(bucket({ outputTokens: null, unreportedInputCalls: 1, unreportedOutputCalls: 2 })),
    ).toBe(
      '2 calls, 1,200 in, output tokens not reported (of the calls, 1 reported no input tokens), $0.0123',
    );

    expect(totalTokensNote([none])).toBe('No call in this range reported tokens');
    expect(totalTokensNote([bucket({})])).toBeUndefined();
    expect(totalTokensNote([none, bucket(some)])).toBe(
      '4 of the calls reported no tokens: the total counts the others only',
    );
    expect(
      chartSummary([{ b: none, endUs: NOV_1 + 25 * HOUR }], DAY, {
        startUs: NOV_1,
        endUs: NOV_1 + 25 * HOUR,
      }),
    ).toBe(
      '1 bar of 1 day with calls, from 2026-11-01 to 2026-11-01, local time (UTC-7 / UTC-8). No call reported tokens.',
    );
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
