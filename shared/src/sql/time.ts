/** Time ranges of a view as epoch microseconds, and the chart's bucket size. */
import type { RelativeRange, TimeRange } from '../view.ts';
import { MONTH_US, UTC_ZONE, WEEK_US, type ZoneOffsets, bucketStart, nextBucket } from './zone.ts';

const MINUTE_US = 60_000_000;
export const HOUR_US = 60 * MINUTE_US;
const DAY_US = 24 * HOUR_US;

export const RELATIVE_RANGE_US: Record<Exclude<RelativeRange, 'all'>, number> = {
  '15m': 15 * MINUTE_US,
  '1h': HOUR_US,
  '24h': DAY_US,
  '7d': 7 * DAY_US,
  '30d': 30 * DAY_US,
};

/**
 * Bounds of a range; null bounds are open. A relative range has no upper bound: "the last 24h"
 * includes spans stamped slightly after `nowUs` by a clock ahead of the viewer's.
 */
export function resolveTimeRange(
  time: TimeRange,
  nowUs: number,
): { fromUs: number | null; toUs: number | null } {
  if (time.kind === 'absolute') return { fromUs: time.fromUs, toUs: time.toUs };
  if (time.range === 'all') return { fromUs: null, toUs: null };
  return { fromUs: nowUs - RELATIVE_RANGE_US[time.range], toUs: null };
}

/**
 * The range as it stands at `nowUs`, for a link that should open the same rows later: "the last
 * 24h" becomes those 24 hours. All time stays all time. Both ends are whole minutes, outward: the
 * link reads plainly, is the same for clicks within a minute, and keeps every row the open-ended
 * range showed (spans a clock slightly ahead stamped "now" included).
 */
export function frozenTimeRange(time: TimeRange, nowUs: number): TimeRange {
  if (time.kind === 'absolute' || time.range === 'all') return time;
  return {
    kind: 'absolute',
    fromUs: Math.floor((nowUs - RELATIVE_RANGE_US[time.range]) / MINUTE_US) * MINUTE_US,
    toUs: Math.ceil(nowUs / MINUTE_US) * MINUTE_US,
  };
}

/** Bucket widths, smallest first. WEEK_US is an ISO week; MONTH_US a calendar month (zone.ts). */
const BUCKETS_US = [
  MINUTE_US,
  5 * MINUTE_US,
  15 * MINUTE_US,
  30 * MINUTE_US,
  HOUR_US,
  3 * HOUR_US,
  6 * HOUR_US,
  12 * HOUR_US,
  DAY_US,
  WEEK_US,
  MONTH_US,
];
export const MAX_BUCKETS = 120;

/** The smallest bucket that cuts [fromUs, toUs] into at most MAX_BUCKETS buckets. */
export function chooseBucketUs(fromUs: number, toUs: number): number {
  const span = Math.max(0, toUs - fromUs);
  return BUCKETS_US.find((b) => span / b <= MAX_BUCKETS) ?? (BUCKETS_US[BUCKETS_US.length - 1] as number);
}

/**
 * The chart's bucket for a resolved range: fitted to the range, or for an open range ('all') to
 * the data's `extent`; one day without either.
 */
export function seriesBucketUs(
  fromUs: number | null,
  toUs: number | null,
  nowUs: number,
  extent?: { minUs: number; maxUs: number } | null,
): number {
  if (fromUs !== null) return chooseBucketUs(fromUs, toUs ?? nowUs);
  return extent ? chooseBucketUs(extent.minUs, extent.maxUs) : DAY_US;
}

/**
 * The time axis of a series, cut at bucket boundaries (of `zone`'s clock, as the buckets): the
 * view's range (a relative one ends now), or the data's extent for 'all', widened to the buckets
 * themselves (a clock ahead of the viewer's stamps calls after now). Buckets only exist where there
 * were calls, so the axis, not their number, says how much time they span.
 */
export function seriesDomain(
  range: { fromUs: number | null; toUs: number | null },
  nowUs: number,
  bucketUs: number,
  buckets: readonly { bucketUs: number }[],
  extent?: { minUs: number; maxUs: number } | null,
  zone: ZoneOffsets = UTC_ZONE,
): { startUs: number; endUs: number } {
  const open = range.fromUs === null && range.toUs === null;
  const lows = [open ? extent?.minUs : (range.fromUs ?? extent?.minUs), buckets[0]?.bucketUs];
  const last = buckets.at(-1)?.bucketUs;
  const highs = [
    open ? extent?.maxUs : (range.toUs ?? nowUs),
    last === undefined ? undefined : nextBucket(last, bucketUs, zone) - 1,
  ];
  const known = (xs: (number | undefined)[]): number[] => xs.filter((x): x is number => x !== undefined);
  const lowsKnown = known(lows);
  const lo = lowsKnown.length > 0 ? Math.min(...lowsKnown) : nowUs;
  const hi = Math.max(lo, ...known(highs));
  return {
    startUs: bucketStart(lo, bucketUs, zone),
    endUs: nextBucket(bucketStart(hi, bucketUs, zone), bucketUs, zone),
  };
}
