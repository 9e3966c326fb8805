/** Words for the usage chart: a bucket's time span and values, and the whole chart as a sentence. */
import { MONTH_US, WEEK_US } from '@parley/shared/sql/zone';
import type { TimeBucket } from '@parley/shared/view';
import { formatCost, formatInt, formatTokens, zoneLabels } from './format.ts';

const MINUTE_US = 60_000_000;
const HOUR_US = 60 * MINUTE_US;
const DAY_US = 24 * HOUR_US;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

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
  if (bucketUs === MONTH_US) return '1 calendar month';
  if (bucketUs === WEEK_US) return '1 week (Monday to Sunday)';
  if (bucketUs >= DAY_US) return bucketUs === DAY_US ? '1 day' : `${bucketUs / DAY_US} days`;
  if (bucketUs >= HOUR_US) return bucketUs === HOUR_US ? '1 hour' : `${bucketUs / HOUR_US} hours`;
  return `${bucketUs / MINUTE_US} min`;
}

/**
 * The local time a bucket covers: its month ("November 2026"), its week by its Monday and Sunday,
 * its date for a day, else its date and clock times ("2026-11-20 03:00–06:00"). A week is named by
 * its days, not its bounds: in a +5:30 zone it runs from 00:30 Monday to 00:30 the next.
 */
export function bucketSpan(startUs: number, endUs: number, bucketUs: number): string {
  if (bucketUs === MONTH_US) {
    const d = new Date(startUs / 1000);
    return `${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
  }
  if (bucketUs === WEEK_US) return `Mon ${localDate(startUs)} – Sun ${localDate(startUs + 6.5 * DAY_US)}`;
  if (bucketUs >= DAY_US) {
    const last = localDate(endUs - 1);
    return last === localDate(startUs) ? last : `${localDate(startUs)} – ${last}`;
  }
  return `${localDate(startUs)} ${localClock(startUs)}–${localClock(endUs)}`;
}

/** A figure's sum, or that no call of the bucket reported it. */
const side = (n: number | null, what: string): string =>
  n === null ? `${what} tokens not reported` : `${formatInt(n)} ${what === 'input' ? 'in' : 'out'}`;

/** "2 of the calls reported no tokens", or per figure where the counts differ; "" for none. */
function missingCalls(input: number, output: number, exact: boolean): string {
  const atLeast = exact ? '' : 'at least ';
  if (input === output)
    return input === 0 ? '' : `${atLeast}${formatInt(input)} of the calls reported no tokens`;
  const parts = [
    ...(input > 0 ? [`${atLeast}${formatInt(input)} reported no input tokens`] : []),
    ...(output > 0 ? [`${atLeast}${formatInt(output)} no output tokens`] : []),
  ];
  return `of the calls, ${parts.join(' and ')}`;
}

/** How many calls a bucket's token sums leave out (those that reported no such figure), if any. */
function unreportedNote(b: TimeBucket): string {
  const note = missingCalls(
    b.inputTokens === null ? 0 : b.unreportedInputCalls,
    b.outputTokens === null ? 0 : b.unreportedOutputCalls,
    b.unreportedExact,
  );
  return note === '' ? '' : ` (${note})`;
}

/**
 * A bucket's calls, tokens and cost, as its tooltip and the keyboard's readout give them. Tokens no
 * call reported read "not reported", never 0; a sum over some of the calls says how many it misses.
 */
export function bucketValues(b: TimeBucket): string {
  const partial =
    b.unpricedCalls > 0 && b.totalCostUsd != null
      ? ` (${formatInt(b.unpricedCalls)} of the calls without a price)`
      : '';
  const tokens =
    b.inputTokens === null && b.outputTokens === null
      ? 'tokens not reported'
      : `${side(b.inputTokens, 'input')}, ${side(b.outputTokens, 'output')}${unreportedNote(b)}`;
  return `${formatInt(b.llmCalls)} ${b.llmCalls === 1 ? 'call' : 'calls'}, ${tokens}, ${formatCost(b.totalCostUsd)}${partial}`;
}

/** A bucket's input and output tokens together; null when no call of it reported either. */
export function bucketTokens(b: TimeBucket): number | null {
  return b.inputTokens === null && b.outputTokens === null
    ? null
    : (b.inputTokens ?? 0) + (b.outputTokens ?? 0);
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
  const busiest = bars.reduce<{ bar: (typeof bars)[number]; tokens: number } | null>((top, x) => {
    const tokens = bucketTokens(x.b);
    return tokens !== null && (top === null || tokens > top.tokens) ? { bar: x, tokens } : top;
  }, null);
  const count = `${bars.length} ${bars.length === 1 ? 'bar' : 'bars'} of ${width} with calls`;
  if (!busiest) return bars.length > 0 ? `${count}, ${span}. No call reported tokens.` : `${count}, ${span}.`;
  return `${count}, ${span}. Most tokens: ${bucketSpan(busiest.bar.b.bucketUs, busiest.bar.endUs, bucketUs)}, ${formatTokens(busiest.tokens)}.`;
}

/** The title of the chart's token total: why it reads "—", or how many calls it leaves out. */
export function totalTokensNote(buckets: readonly TimeBucket[]): string | undefined {
  if (buckets.length > 0 && buckets.every((b) => bucketTokens(b) === null))
    return 'No call in this range reported tokens';
  const note = missingCalls(
    buckets.reduce((n, b) => n + b.unreportedInputCalls, 0),
    buckets.reduce((n, b) => n + b.unreportedOutputCalls, 0),
    buckets.every((b) => b.unreportedExact),
  );
  return note === ''
    ? undefined
    : `${note[0]?.toUpperCase()}${note.slice(1)}: the total counts the others only`;
}
