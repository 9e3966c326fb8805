/** Where the custom time range form starts, and how a source's data extent is named. */
import { RELATIVE_RANGE_US } from '@parley/shared/sql/time';
import type { TimeRange } from '@parley/shared/view';

export interface Extent {
  minUs: number;
  maxUs: number;
}

const MINUTE_US = 60e6;

/**
 * The range on screen, so a custom range refines it ('all' has no start: the longest preset
 * stands in); but when it misses the data's extent entirely (an old snapshot under the default
 * 24h) the extent, so the form starts where there is something to see. The form counts in whole
 * minutes: the end is the minute after the last datum, keeping it inside.
 */
export function customRangeStart(
  value: TimeRange,
  nowUs: number,
  extent: Extent | null,
): { fromUs: number; toUs: number } {
  const shown =
    value.kind === 'absolute'
      ? { fromUs: value.fromUs, toUs: value.toUs }
      : { fromUs: nowUs - RELATIVE_RANGE_US[value.range === 'all' ? '30d' : value.range], toUs: nowUs };
  if (extent === null || (shown.toUs >= extent.minUs && shown.fromUs <= extent.maxUs)) return shown;
  return { fromUs: extent.minUs, toUs: extent.maxUs + MINUTE_US };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function day(d: Date, withYear: boolean): string {
  return `${d.getDate()} ${MONTHS[d.getMonth()] ?? ''}${withYear ? ` ${d.getFullYear()}` : ''}`;
}

/** "from 8 Oct to 15 Oct 2026" (local dates); "on 8 Oct 2026" within one day. */
export function extentWords({ minUs, maxUs }: Extent): string {
  const from = new Date(minUs / 1000);
  const to = new Date(maxUs / 1000);
  if (day(from, true) === day(to, true)) return `on ${day(from, true)}`;
  return `from ${day(from, from.getFullYear() !== to.getFullYear())} to ${day(to, true)}`;
}
