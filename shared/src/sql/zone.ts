/**
 * Chart buckets on the viewer's clock. The browser's zone is read (Intl, in the data worker) as its
 * UTC offsets over the range charted (DuckDB-WASM has no zone data without its ICU extension), and
 * those offsets reach the SQL as parameters. The same functions cut the axis in JS, so bars and axis agree.
 *
 * Buckets of an hour or less are fixed lengths of time starting on the local clock (a 5 min bucket
 * at :05 local). Longer ones are spans of the local calendar (a day bar runs from local midnight to
 * local midnight: 23 or 25 hours across a DST change). Summary rows are per session and UTC hour,
 * so buckets of an hour or more use the zone's offset rounded down to whole hours: in a +5:30 zone
 * an hour bar is a UTC hour (05:30–06:30 local) and a day bar starts at 00:30 local, where each
 * stored hour falls whole into one bar. Zones on whole hours are not affected.
 *
 * A week bar is an ISO week, from Monday 00:00 local; a month bar (MONTH_US) is a calendar month of
 * the local clock, 28 to 31 days. A bucket's key is its start on the local calendar (µs as if the
 * local clock were UTC), turned into an instant by the zone's offsets.
 */
import type { Params } from './query.ts';

const MINUTE_US = 60_000_000;
const HOUR_US = 60 * MINUTE_US;
const DAY_US = 24 * HOUR_US;
export const WEEK_US = 7 * DAY_US;
/** A calendar month of the local clock: its nominal width, as bucket sizes are chosen by width. */
export const MONTH_US = 30 * DAY_US;
/** 1970-01-01, where local µs start, was a Thursday: weeks start 4 days after it. */
const MONDAY_US = 4 * DAY_US;

/** The offset in effect from `fromUs` (the first segment's also before it, the last's after). */
export interface ZoneSegment {
  fromUs: number;
  offsetUs: number;
}
export type ZoneOffsets = readonly ZoneSegment[];

export const UTC_ZONE: ZoneOffsets = [{ fromUs: 0, offsetUs: 0 }];

/** A zone's offset at an instant (µs), by Intl, to the second. */
export function intlOffset(timeZone: string): (us: number) => number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (us) => {
    const ms = Math.floor(us / 1_000_000) * 1000;
    const part = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
    const wall = Date.UTC(
      part.year ?? 1970,
      (part.month ?? 1) - 1,
      part.day ?? 1,
      part.hour ?? 0,
      part.minute ?? 0,
      part.second ?? 0,
    );
    return (wall - ms) * 1000;
  };
}

/**
 * The runtime's own zone's offset at an instant, to the minute, by Date: what formats the page's
 * times, without loading Intl's data on the UI thread.
 */
export function localOffset(us: number): number {
  return -new Date(Math.floor(us / 1000)).getTimezoneOffset() * MINUTE_US;
}

/** Zones change offset at most every few weeks; a week's step finds every change of a range. */
const PROBE_US = 7 * DAY_US;
/** The month bar holding a range's first instant starts up to 31 days before it (its last, after). */
const WIDEN_US = 5 * PROBE_US;

/**
 * A zone's offsets over [fromUs, toUs] (widened by five probe steps each side, so the bars holding
 * its ends are covered), found by probing the range a week at a time and narrowing each change down
 * to its second. `offsetOf`: intlOffset or localOffset.
 */
export function zoneOffsets(offsetOf: (us: number) => number, fromUs: number, toUs: number): ZoneOffsets {
  const lo = fromUs - WIDEN_US;
  const hi = Math.max(toUs, fromUs) + WIDEN_US;
  const segments: ZoneSegment[] = [{ fromUs: lo, offsetUs: offsetOf(lo) }];
  for (let at = lo; at < hi;) {
    const next = Math.min(at + PROBE_US, hi);
    const before = offsetOf(at);
    if (offsetOf(next) !== before) {
      let [a, b] = [at, next];
      while (b - a > 1_000_000) {
        const mid = a + Math.floor((b - a) / 2_000_000) * 1_000_000;
        if (offsetOf(mid) === before) a = mid;
        else b = mid;
      }
      segments.push({ fromUs: b, offsetUs: offsetOf(b) });
      at = b;
    } else at = next;
  }
  return segments;
}

/** The offset in effect at `us`. */
export function offsetAt(zone: ZoneOffsets, us: number): number {
  let offset = zone[0]?.offsetUs ?? 0;
  for (const s of zone) if (us >= s.fromUs) offset = s.offsetUs;
  return offset;
}

/** The offsets buckets of this width follow: whole hours for an hour or more (see above). */
export function bucketZone(zone: ZoneOffsets, bucketUs: number): ZoneOffsets {
  if (bucketUs < HOUR_US) return zone;
  const out: ZoneSegment[] = [];
  for (const s of zone) {
    const offsetUs = Math.floor(s.offsetUs / HOUR_US) * HOUR_US;
    if (out.at(-1)?.offsetUs !== offsetUs) out.push({ fromUs: s.fromUs, offsetUs });
  }
  return out;
}

/** Whether bars of this width start off the local hour (a +5:30 zone's hours from summaries). */
export function offLocalHours(zone: ZoneOffsets, bucketUs: number): boolean {
  return bucketUs >= HOUR_US && zone.some((s) => s.offsetUs % HOUR_US !== 0);
}

/** The first instant at or after local time `localUs` (a time skipped by a change: the change). */
function localToUtc(zone: ZoneOffsets, localUs: number): number {
  for (let i = 0; i < zone.length; i++) {
    const s = zone[i] as ZoneSegment;
    const next = zone[i + 1];
    if (next === undefined || localUs < next.fromUs + s.offsetUs)
      return i === 0 ? localUs - s.offsetUs : Math.max(localUs - s.offsetUs, s.fromUs);
  }
  return localUs;
}

/** The key (local start) of the bucket holding local time `local`: a calendar bucket for an hour or more. */
function localKey(local: number, bucketUs: number): number {
  if (bucketUs === MONTH_US) {
    const d = new Date(Math.floor(local / 1000));
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) * 1000;
  }
  const phase = bucketUs === WEEK_US ? MONDAY_US : 0;
  return Math.floor((local - phase) / bucketUs) * bucketUs + phase;
}

/** The key of the bucket after the one of key `key`. */
function nextKey(key: number, bucketUs: number): number {
  if (bucketUs !== MONTH_US) return key + bucketUs;
  const d = new Date(key / 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) * 1000;
}

/** The start of the bucket holding `us`. */
export function bucketStart(us: number, bucketUs: number, zone: ZoneOffsets): number {
  const z = bucketZone(zone, bucketUs);
  const off = offsetAt(z, us);
  const local = localKey(us + off, bucketUs);
  return bucketUs <= HOUR_US ? local - off : localToUtc(z, local);
}

/** The start of the bucket after the one starting at `startUs`. */
export function nextBucket(startUs: number, bucketUs: number, zone: ZoneOffsets): number {
  if (bucketUs <= HOUR_US) return startUs + bucketUs;
  const z = bucketZone(zone, bucketUs);
  return localToUtc(z, nextKey(localKey(startUs + offsetAt(z, startUs), bucketUs), bucketUs));
}

/** Every bucket boundary from `startUs` (a boundary) up to `endUs`, both included. */
export function bucketEdges(startUs: number, endUs: number, bucketUs: number, zone: ZoneOffsets): number[] {
  const edges = [startUs];
  for (let at = startUs; at < endUs;) {
    at = nextBucket(at, bucketUs, zone);
    edges.push(at);
  }
  return edges;
}

/** SQL of the offset in effect at the instant `us` (epoch µs), its values as parameters. */
function offsetSql(zone: ZoneOffsets, us: string, p: Params): string {
  const [first, ...rest] = zone;
  if (rest.length === 0) return p.int(first?.offsetUs ?? 0);
  const whens = [...rest]
    .reverse()
    .map((s) => `WHEN ${us} >= ${p.int(s.fromUs)} THEN ${p.int(s.offsetUs)}`)
    .join(' ');
  return `(CASE ${whens} ELSE ${p.int(first?.offsetUs ?? 0)} END)`;
}

/**
 * SQL of a row's bucket key from its instant `us` (epoch µs, a column: it is repeated): the
 * bucket's start for buckets of an hour or less, else its local start (µs of the local calendar),
 * which bucketStartSql turns into an instant once per bucket. A month is truncated as a timestamp
 * without zone (the local clock read as UTC), which needs no zone data.
 */
export function bucketKeySql(us: string, bucketUs: number, zone: ZoneOffsets, p: Params): string {
  const z = bucketZone(zone, bucketUs);
  const local = `(${us} + ${offsetSql(z, us, p)})`;
  if (bucketUs === MONTH_US) return `epoch_us(date_trunc('month', make_timestamp(${local})))`;
  if (bucketUs === WEEK_US) {
    const phase = p.int(MONDAY_US);
    return `((${local} - ${phase}) // ${p.int(WEEK_US)}) * ${p.int(WEEK_US)} + ${phase}`;
  }
  const key = `(${local} // ${p.int(bucketUs)}) * ${p.int(bucketUs)}`;
  return bucketUs <= HOUR_US ? `${key} - ${offsetSql(z, us, p)}` : key;
}

/** SQL of the start (epoch µs) of the bucket of key `key` (a column; see bucketKeySql). */
export function bucketStartSql(key: string, bucketUs: number, zone: ZoneOffsets, p: Params): string {
  const z = bucketZone(zone, bucketUs);
  if (bucketUs <= HOUR_US) return key;
  if (z.length === 1) return `${key} - ${p.int(z[0]?.offsetUs ?? 0)}`;
  const whens = z.slice(0, -1).map((s, i) => {
    const next = z[i + 1] as ZoneSegment;
    const at = `${key} - ${p.int(s.offsetUs)}`;
    return `WHEN ${key} < ${p.int(next.fromUs + s.offsetUs)} THEN ${i === 0 ? at : `greatest(${at}, ${p.int(s.fromUs)})`}`;
  });
  const last = z.at(-1) as ZoneSegment;
  return `(CASE ${whens.join(' ')} ELSE greatest(${key} - ${p.int(last.offsetUs)}, ${p.int(last.fromUs)}) END)`;
}
