import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SpanRow } from '../../src/rows.ts';
import { CREATE_SESSION_ROLLUP_SQL } from '../../src/sql/filters.ts';
import { mapTimeBuckets } from '../../src/sql/rows.ts';
import { summaryTimeseries } from '../../src/sql/summary-timeseries.ts';
import { seriesDomain } from '../../src/sql/time.ts';
import { timeseries } from '../../src/sql/timeseries.ts';
import { Params } from '../../src/sql/query.ts';
import {
  MONTH_US,
  WEEK_US,
  type ZoneOffsets,
  bucketEdges,
  bucketKeySql,
  bucketStartSql,
  bucketStart,
  intlOffset,
  nextBucket,
  offLocalHours,
  zoneOffsets,
} from '../../src/sql/zone.ts';
import { defaultViewState } from '../../src/url-state.ts';
import type { TimeBucket, ViewState } from '../../src/view.ts';
import { type Dataset, openDataset } from './duck.ts';
import { HOUR, MIN, fileGroups, hexId, rng, span, summarize } from './fixture.ts';

// Real DuckDB over Parquet on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const DAY = 24 * HOUR;
const LA = 'America/Los_Angeles';
const KOLKATA = 'Asia/Kolkata';
/** US clocks go back an hour at 2026-11-01T09:00Z (02:00 PDT becomes 01:00 PST). */
const FALL_BACK = Date.UTC(2026, 10, 1, 9) * 1000;
/** ...and forward at 2026-03-08T10:00Z (02:00 PST becomes 03:00 PDT). */
const SPRING_FORWARD = Date.UTC(2026, 2, 8, 10) * 1000;

/** Wall-clock parts of an instant in a zone, by Intl alone (the reference, not the code under test). */
function wall(us: number, timeZone: string): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const [date = '', time = ''] = f.format(us / 1000).split(', ');
  return { date, time };
}

/** Calls every 97 minutes through [fromUs, toUs), in sessions of a day, priced. */
function calls(fromUs: number, toUs: number): SpanRow[] {
  const out: SpanRow[] = [];
  for (let t = fromUs, i = 0; t < toUs; t += 97 * MIN, i++) {
    out.push(
      span({
        trace: hexId('7', i, 32),
        session: `s-${Math.floor((t - fromUs) / DAY)}`,
        start: t,
        input: 100 + i,
        output: 10,
      }),
    );
  }
  return out;
}

const view = (fromUs: number, toUs: number): ViewState => ({
  ...defaultViewState(),
  time: { kind: 'absolute', fromUs, toUs },
});

/** Calls per key, as the reference groups them. */
function tally(spans: readonly SpanRow[], key: (us: number) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of spans) m.set(key(s.start_time), (m.get(key(s.start_time)) ?? 0) + 1);
  return m;
}

const counted = (buckets: TimeBucket[], key: (us: number) => string) =>
  new Map(buckets.filter((b) => b.llmCalls > 0).map((b) => [key(b.bucketUs), b.llmCalls]));

let ds: Dataset;
let spans: SpanRow[];

beforeAll(async () => {
  spans = [
    ...calls(FALL_BACK - 16 * DAY, FALL_BACK + 16 * DAY),
    ...calls(SPRING_FORWARD - 3 * DAY, SPRING_FORWARD + 3 * DAY),
  ];
  ds = await openDataset(fileGroups({ spans, messages: [], summaries: summarize(spans) }));
  await ds.conn.run(CREATE_SESSION_ROLLUP_SQL);
});
afterAll(() => ds?.close());

describe('zoneOffsets', () => {
  it('finds the changes of a range to the second, from Intl', () => {
    const z = zoneOffsets(intlOffset(LA), FALL_BACK - 30 * DAY, FALL_BACK + 30 * DAY);
    expect(z.map((s) => s.offsetUs)).toEqual([-7 * HOUR, -8 * HOUR]);
    expect(z[1]?.fromUs).toBe(FALL_BACK);
    expect(zoneOffsets(intlOffset(KOLKATA), FALL_BACK, FALL_BACK + 400 * DAY).map((s) => s.offsetUs)).toEqual(
      [5.5 * HOUR],
    );
  });
});

describe('buckets on the local clock (America/Los_Angeles)', () => {
  const from = FALL_BACK - 15 * DAY;
  const to = FALL_BACK + 15 * DAY;
  let zone: ZoneOffsets;
  beforeAll(() => {
    zone = zoneOffsets(intlOffset(LA), from - 60 * DAY, to);
  });
  const inRange = (lo: number, hi: number) => spans.filter((s) => s.start_time >= lo && s.start_time <= hi);

  it('cuts 30 days across the fall-back into 6 h bars of the local clock, from summaries and from spans', async () => {
    const v = view(from, to);
    const quarter = (us: number) => {
      const { date, time } = wall(us, LA);
      return `${date} ${Math.floor(Number(time.slice(0, 2)) / 6)}`;
    };
    for (const q of [summaryTimeseries(v, to, null, zone), timeseries(v, to, null, { zone })]) {
      expect(q.bucketUs).toBe(6 * HOUR);
      const buckets = mapTimeBuckets(await ds.run(q));
      // Before the change (UTC-7) and after it (UTC-8) alike: no bar shifted by the hour.
      for (const b of buckets) expect(wall(b.bucketUs, LA).time).toMatch(/^(00|06|12|18):00:00$/);
      expect(counted(buckets, quarter)).toEqual(tally(inRange(from, to), quarter));
      // 00:00-06:00 on the day of the change lasts 7 hours (01:00-02:00 comes twice).
      const long = buckets.find((b) => quarter(b.bucketUs) === '2026-11-01 0');
      expect(long && nextBucket(long.bucketUs, 6 * HOUR, zone) - long.bucketUs).toBe(7 * HOUR);
    }
  });

  it('puts day bars at local midnight, from summaries and from spans', async () => {
    const v = view(from - 60 * DAY, to);
    const byDate = (us: number) => wall(us, LA).date;
    for (const q of [summaryTimeseries(v, to, null, zone), timeseries(v, to, null, { zone })]) {
      expect(q.bucketUs).toBe(DAY);
      const buckets = mapTimeBuckets(await ds.run(q));
      for (const b of buckets) expect(wall(b.bucketUs, LA).time).toBe('00:00:00');
      expect(counted(buckets, byDate)).toEqual(tally(inRange(from - 60 * DAY, to), byDate));
      const changeDay = buckets.find((b) => byDate(b.bucketUs) === '2026-11-01');
      expect(changeDay && nextBucket(changeDay.bucketUs, DAY, zone) - changeDay.bucketUs).toBe(25 * HOUR);
    }
  });

  it('puts 3 h bars of the spring-forward on local 3 h boundaries', async () => {
    const now = SPRING_FORWARD + 2 * DAY;
    const z = zoneOffsets(intlOffset(LA), now - 7 * DAY, now);
    const q = summaryTimeseries(view(now - 7 * DAY, now), now, null, z);
    expect(q.bucketUs).toBe(3 * HOUR);
    const buckets = mapTimeBuckets(await ds.run(q));
    for (const b of buckets.slice(1))
      expect(wall(b.bucketUs, LA).time).toMatch(/^(00|03|06|09|12|15|18|21):00:00$/);
    // 00:00-03:00 on the day of the change lasts two hours (02:00-03:00 does not exist).
    const short = buckets.find(
      (b) => wall(b.bucketUs, LA).date === '2026-03-08' && wall(b.bucketUs, LA).time === '00:00:00',
    );
    expect(short && nextBucket(short.bucketUs, 3 * HOUR, z) - short.bucketUs).toBe(2 * HOUR);
  });

  it('agrees with the JS buckets the axis is cut with', async () => {
    const v = view(from, to);
    const buckets = mapTimeBuckets(await ds.run(timeseries(v, to, null, { zone })));
    const domain = seriesDomain({ fromUs: from, toUs: to }, to, 6 * HOUR, buckets, null, zone);
    const edges = bucketEdges(domain.startUs, domain.endUs, 6 * HOUR, zone);
    for (const b of buckets) expect(edges).toContain(b.bucketUs);
    for (const s of inRange(from, to)) {
      const start = bucketStart(s.start_time, 6 * HOUR, zone);
      expect(start).toBeLessThanOrEqual(s.start_time);
      expect(nextBucket(start, 6 * HOUR, zone)).toBeGreaterThan(s.start_time);
      expect(edges).toContain(start);
    }
    expect(wall(domain.startUs, LA).time).toBe('00:00:00');
    expect(wall(domain.endUs, LA).time).toBe('06:00:00');
  });
});

describe('buckets in a +5:30 zone (Asia/Kolkata)', () => {
  const from = FALL_BACK - 6 * DAY;
  const to = FALL_BACK + 6 * DAY;
  let zone: ZoneOffsets;
  beforeAll(() => {
    zone = zoneOffsets(intlOffset(KOLKATA), from - 60 * DAY, to);
  });

  it('reads span rows in buckets of the local clock', async () => {
    const start = FALL_BACK + 3 * HOUR + 7 * MIN;
    const q = timeseries(view(start, start + 8 * HOUR), start + 8 * HOUR, null, { zone });
    expect(q.bucketUs).toBe(5 * MIN);
    const buckets = mapTimeBuckets(await ds.run(q));
    expect(buckets.length).toBeGreaterThan(3);
    const byMinute = (us: number) => {
      const { date, time } = wall(us, KOLKATA);
      const [h, m] = time.split(':').map(Number);
      return `${date} ${h}:${Math.floor((m ?? 0) / 5) * 5}`;
    };
    for (const b of buckets.slice(1))
      expect(Number(wall(b.bucketUs, KOLKATA).time.split(':')[1]) % 5).toBe(0);
    expect(counted(buckets, byMinute)).toEqual(
      tally(
        spans.filter((s) => s.start_time >= start && s.start_time <= start + 8 * HOUR),
        byMinute,
      ),
    );
  });

  it('keeps summary hours UTC hours (05:30 local) and starts day bars at 00:30, the first whole UTC hour of the day', async () => {
    expect(offLocalHours(zone, HOUR)).toBe(true);
    expect(offLocalHours(zone, 5 * MIN)).toBe(false);
    const hours = mapTimeBuckets(
      await ds.run(
        summaryTimeseries({ ...view(0, 0), time: { kind: 'relative', range: '24h' } }, to, null, zone),
      ),
    );
    for (const b of hours.slice(1)) expect(wall(b.bucketUs, KOLKATA).time).toMatch(/^\d\d:30:00$/);
    const q = summaryTimeseries(view(from - 60 * DAY, to), to, null, zone);
    expect(q.bucketUs).toBe(DAY);
    const days = mapTimeBuckets(await ds.run(q));
    for (const b of days.slice(1)) expect(wall(b.bucketUs, KOLKATA).time).toBe('00:30:00');
    // Each stored hour lies whole in one bar: calls count in the bar of their own time.
    const edges = bucketEdges(days[0]?.bucketUs ?? 0, to + DAY, DAY, zone);
    const barOf = (us: number) => String(edges.findLast((e) => e <= us));
    expect(counted(days, String)).toEqual(
      tally(
        spans.filter((s) => s.start_time >= (days[0]?.bucketUs ?? 0) && s.start_time <= to),
        barOf,
      ),
    );
  });
});

/** Wall-clock parts of an instant in a zone, with its weekday, by Intl alone (a reference). */
function wallDay(us: number, timeZone: string): { date: string; time: string; weekday: string } {
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(us / 1000);
  return { ...wall(us, timeZone), weekday };
}

/** Each instant's bucket start, by the SQL builders in DuckDB. */
async function sqlStarts(
  instants: readonly number[],
  bucketUs: number,
  zone: ZoneOffsets,
): Promise<number[]> {
  const p = new Params();
  const values = instants.map((us, i) => `(${p.int(i)}, ${p.int(us)})`).join(', ');
  const sql = `SELECT i, ${bucketStartSql('k', bucketUs, zone, p)} AS start
FROM (SELECT i, ${bucketKeySql('us', bucketUs, zone, p)} AS k FROM (VALUES ${values}) t(i, us))
ORDER BY i`;
  return (await ds.run(p.query(sql))).map((r) => Number(r['start']));
}

describe('week and month buckets', () => {
  /**
   * Zones and the clock their bars of an hour or more follow: the zone's own, or for +5:30 the
   * whole hours of its offset (UTC+5, which Etc/GMT-5 names), as summary rows are per UTC hour.
   */
  const ZONES: [string, string][] = [
    [LA, LA],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['Australia/Sydney', 'Australia/Sydney'],
    [KOLKATA, 'Etc/GMT-5'],
  ];
  const FROM = Date.UTC(2024, 0, 1) * 1000;
  const TO = Date.UTC(2028, 0, 1) * 1000;

  /** Random instants of 2024-2027, and around each the start of its week and month by the local clock. */
  function instants(clock: string, seed: number): number[] {
    const next = rng(seed);
    const out: number[] = [];
    for (let i = 0; i < 60; i++) {
      const us = FROM + Math.floor(next() * ((TO - FROM) / MIN)) * MIN + Math.floor(next() * MIN);
      out.push(us);
      // The reference's midnight of that day, and the µs either side of it: edges are where bugs are.
      const { time } = wall(us, clock);
      const [h = 0, m = 0, sec = 0] = time.split(':').map(Number);
      const midnight = us - (us % 1_000_000) - ((h * 60 + m) * 60 + sec) * 1_000_000;
      if (wall(midnight, clock).time === '00:00:00') out.push(midnight - 1, midnight, midnight + 1);
    }
    return out;
  }

  it('start each week on Monday 00:00 local and each month on its first day, alike in SQL and JS', async () => {
    for (const [[timeZone, clock], z] of ZONES.map((x, i) => [x, i] as const)) {
      const zone = zoneOffsets(intlOffset(timeZone), FROM, TO);
      const xs = instants(clock, 17 + z);
      for (const bucketUs of [WEEK_US, MONTH_US]) {
        const fromSql = await sqlStarts(xs, bucketUs, zone);
        xs.forEach((us, i) => {
          const start = bucketStart(us, bucketUs, zone);
          const end = nextBucket(start, bucketUs, zone);
          const at = `${timeZone} ${bucketUs === WEEK_US ? 'week' : 'month'} of ${new Date(us / 1000).toISOString()}`;
          expect(fromSql[i], at).toBe(start);
          expect(start, at).toBeLessThanOrEqual(us);
          expect(end, at).toBeGreaterThan(us);
          const [s, e] = [wallDay(start, clock), wallDay(end, clock)];
          expect([s.time, e.time], at).toEqual(['00:00:00', '00:00:00']);
          if (bucketUs === WEEK_US) {
            expect([s.weekday, e.weekday], at).toEqual(['Mon', 'Mon']);
            // A week is 7 days of the local calendar: 167 to 169 hours across a DST change.
            expect([167, 168, 169], at).toContain((end - start) / HOUR);
          } else {
            expect([s.date.slice(8), e.date.slice(8)], at).toEqual(['01', '01']);
            expect(s.date.slice(0, 7), at).toBe(wall(us, clock).date.slice(0, 7));
            expect(e.date.slice(0, 7) > s.date.slice(0, 7), at).toBe(true);
            expect((end - start) / DAY, at).toBeGreaterThan(27.9);
            expect((end - start) / DAY, at).toBeLessThan(31.1);
          }
        });
      }
    }
  });

  it("reads the offsets of a month's bounds outside the range, a DST change between them and it", () => {
    // 2026-11-20 to 12-20 in Los Angeles: November began before the fall-back, in UTC-7.
    const la = zoneOffsets(intlOffset(LA), Date.UTC(2026, 10, 20) * 1000, Date.UTC(2026, 11, 20) * 1000);
    expect(wall(bucketStart(Date.UTC(2026, 10, 25) * 1000, MONTH_US, la), LA)).toEqual({
      date: '2026-11-01',
      time: '00:00:00',
    });
    // 2027-03-01 to 03-20 in Berlin: April begins after the clocks go forward (03-28), in UTC+2.
    const berlin = 'Europe/Berlin';
    const be = zoneOffsets(intlOffset(berlin), Date.UTC(2027, 2, 1) * 1000, Date.UTC(2027, 2, 20) * 1000);
    const march = bucketStart(Date.UTC(2027, 2, 15) * 1000, MONTH_US, be);
    expect(wall(nextBucket(march, MONTH_US, be), berlin)).toEqual({ date: '2027-04-01', time: '00:00:00' });
  });

  it('cut the axis at the same Mondays and first days as the bars, from summaries and from spans', async () => {
    const zone = zoneOffsets(intlOffset(LA), FALL_BACK - 1000 * DAY, FALL_BACK + 20 * DAY);
    const to = FALL_BACK + 16 * DAY;
    const inRange = (lo: number) => spans.filter((s) => s.start_time >= lo && s.start_time <= to);
    for (const [bucketUs, from, key] of [
      // Weeks by their Monday: the reference steps back from the call's date to it.
      [WEEK_US, to - 200 * DAY, (us: number) => mondayOf(us)],
      [MONTH_US, to - 1000 * DAY, (us: number) => wall(us, LA).date.slice(0, 7)],
    ] as const) {
      const v = view(from, to);
      for (const q of [summaryTimeseries(v, to, null, zone), timeseries(v, to, null, { zone })]) {
        expect(q.bucketUs).toBe(bucketUs);
        const buckets = mapTimeBuckets(await ds.run(q));
        expect(counted(buckets, key)).toEqual(tally(inRange(from), key));
        const domain = seriesDomain({ fromUs: from, toUs: to }, to, bucketUs, buckets, null, zone);
        const edges = bucketEdges(domain.startUs, domain.endUs, bucketUs, zone);
        for (const b of buckets) {
          expect(edges).toContain(b.bucketUs);
          expect(wall(b.bucketUs, LA).time).toBe('00:00:00');
          if (bucketUs === WEEK_US) expect(wallDay(b.bucketUs, LA).weekday).toBe('Mon');
          else expect(wall(b.bucketUs, LA).date.slice(8)).toBe('01');
        }
        // The bar of the fall-back holds its extra hour: a week of 169 hours, a month of 30 days and 1 hour.
        const long = buckets.find(
          (b) => b.bucketUs < FALL_BACK && nextBucket(b.bucketUs, bucketUs, zone) > FALL_BACK,
        );
        expect(long && (nextBucket(long.bucketUs, bucketUs, zone) - long.bucketUs) / HOUR).toBe(
          bucketUs === WEEK_US ? 169 : 30 * 24 + 1,
        );
      }
    }
  });
});

/** The date of the Monday of an instant's week in Los Angeles, stepping back a day at a time by Intl. */
function mondayOf(us: number): string {
  let at = us;
  while (wallDay(at, LA).weekday !== 'Mon') at -= DAY;
  return wall(at, LA).date;
}
