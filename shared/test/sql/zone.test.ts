import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SpanRow } from '../../src/rows.ts';
import { CREATE_SESSION_ROLLUP_SQL } from '../../src/sql/filters.ts';
import { mapTimeBuckets } from '../../src/sql/rows.ts';
import { summaryTimeseries } from '../../src/sql/summary-timeseries.ts';
import { seriesDomain } from '../../src/sql/time.ts';
import { timeseries } from '../../src/sql/timeseries.ts';
import {
  type ZoneOffsets,
  bucketEdges,
  bucketStart,
  intlOffset,
  nextBucket,
  offLocalHours,
  zoneOffsets,
} from '../../src/sql/zone.ts';
import { defaultViewState } from '../../src/url-state.ts';
import type { TimeBucket, ViewState } from '../../src/view.ts';
import { type Dataset, openDataset } from './duck.ts';
import { HOUR, MIN, fileGroups, hexId, span, summarize } from './fixture.ts';

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
