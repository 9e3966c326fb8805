/** Words for the usage chart: a bucket's time span and values, and the whole chart as a sentence. */
import type { TimeBucket } from '@parley/shared/view';
import { formatCost, formatInt, formatTokens, zoneLabels } from './format.ts';

const MINUTE_US = 60_000_000;
const HOUR_US = 60 * MINUTE_US;
const DAY_US = 24 * HOUR_US;

const pad = (n: number): string => String(n).padStart(2, '0');

function localDate(us: number): string {
  const d = new Date(us / 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function localClock(us: number): string {
  const d = new Date(us / 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "1 day", "3 hours", "5 min": the width of the chart's buckets. */
export function bucketWidth(bucketUs: number): string {
  if (bucketUs >= DAY_US) return bucketUs === DAY_US ? '1 day' : `${bucketUs / DAY_US} days`;
  if (bucketUs >= HOUR_US) return bucketUs === HOUR_US ? '1 hour' : `${bucketUs / HOUR_US} hours`;
  return `${bucketUs / MINUTE_US} min`;
}

/**
 * The local time a bucket covers: its date for a day, its dates for longer buckets, else its date
 * and clock times ("2026-11-20 03:00–06:00").
 */
export function bucketSpan(startUs: number, endUs: number, bucketUs: number): string {
  if (bucketUs >= DAY_US) {
    const last = localDate(endUs - 1);
    return last === localDate(startUs) ? last : `${localDate(startUs)} – ${last}`;
  }
  return `${localDate(startUs)} ${localClock(startUs)}–${localClock(endUs)}`;
}

/** A bucket's calls, tokens and cost, as its tooltip and the keyboard's readout give them. */
export function bucketValues(b: TimeBucket): string {
  const partial =
    b.unpricedCalls > 0 && b.totalCostUsd != null
      ? ` (${formatInt(b.unpricedCalls)} of the calls without a price)`
      : '';
  return `${formatInt(b.llmCalls)} ${b.llmCalls === 1 ? 'call' : 'calls'}, ${formatInt(b.inputTokens)} in, ${formatInt(b.outputTokens)} out, ${formatCost(b.totalCostUsd)}${partial}`;
}

/**
 * Bars of an hour or more start off the local hour in a zone whose offset is not whole hours:
 * usage is stored per UTC hour, which cannot be split. Says where they start (`firstUs`: a bar's).
 */
export function offHourNote(firstUs: number): string {
  return `bars start at :${pad(new Date(firstUs / 1000).getMinutes())} local time: usage is stored per UTC hour`;
}

/** The chart in one sentence, for screen readers: what its bars are, how many, the busiest. */
export function chartSummary(
  bars: readonly { b: TimeBucket; endUs: number }[],
  bucketUs: number,
  domain: { startUs: number; endUs: number },
): string {
  const width = bucketWidth(bucketUs);
  const span = `from ${localDate(domain.startUs)} to ${localDate(domain.endUs - 1)}, local time (${zoneLabels(domain.startUs, domain.endUs)})`;
  const busiest = bars.reduce<(typeof bars)[number] | null>(
    (top, x) =>
      top === null || x.b.inputTokens + x.b.outputTokens > top.b.inputTokens + top.b.outputTokens ? x : top,
    null,
  );
  const count = `${bars.length} ${bars.length === 1 ? 'bar' : 'bars'} of ${width} with calls`;
  if (!busiest) return `${count}, ${span}.`;
  const tokens = formatTokens(busiest.b.inputTokens + busiest.b.outputTokens);
  return `${count}, ${span}. Most tokens: ${bucketSpan(busiest.b.bucketUs, busiest.endUs, bucketUs)}, ${tokens}.`;
}
