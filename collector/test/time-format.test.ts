import { describe, expect, it, onTestFinished } from 'vitest';
import { parseTimeBound } from '../src/snapshot/time-range.ts';
import { isoFromMicros, microsFromIso, utcHour } from '../src/storage/time-format.ts';

const AT_17 = Date.UTC(2026, 10, 27, 17, 0, 0) * 1000;

describe('times given on the command line', () => {
  it('takes ISO-8601 without seconds, and a space for the T, as parley-snapshot --until does', () => {
    for (const text of [
      '2026-11-27T17:00',
      '2026-11-27 17:00',
      '2026-11-27T17:00:00',
      '2026-11-27 17:00:00Z',
      '2026-11-27T18:00+01:00',
    ]) {
      expect([text, microsFromIso(text)]).toEqual([text, AT_17]);
      expect(parseTimeBound(text, 0)).toEqual({ ok: true, us: AT_17 });
    }
  });

  it('reads a time without an offset as UTC, whatever the machine zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    onTestFinished(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });
    expect(microsFromIso('2026-11-27 17:00')).toBe(AT_17);
    expect(microsFromIso('2026-11-27T17:00:00.000001')).toBe(AT_17 + 1);
    expect(parseTimeBound('2026-11-27', 0)).toEqual({ ok: true, us: Date.UTC(2026, 10, 27) * 1000 });
  });

  it('still refuses what is not a time', () => {
    for (const text of [
      '2026-11-27T17',
      '2026-11-27T17:00.5',
      '2026-11-27  17:00',
      'noon',
      '2026-13-01T00:00',
      // Days past the month's end, which Date.parse rolls over into the next month.
      '2026-02-30T00:00',
      '2026-11-31 12:00',
      '2025-02-29T00:00Z',
    ])
      expect([text, microsFromIso(text)]).toEqual([text, null]);
  });

  it('refuses a date past its month as parley-snapshot --since, and takes leap days', () => {
    expect(parseTimeBound('2026-11-31', 0).ok).toBe(false);
    expect(parseTimeBound('2028-02-29', 0)).toEqual({ ok: true, us: Date.UTC(2028, 1, 29) * 1000 });
  });

  it('takes a duration reaching back past the epoch as the start of the data', () => {
    expect(parseTimeBound('999999999w', AT_17 / 1000)).toEqual({ ok: true, us: 0 });
    expect(parseTimeBound('1h', AT_17 / 1000)).toEqual({ ok: true, us: AT_17 - 3_600_000_000 });
  });

  it('reads back the manifest times it writes, to the microsecond', () => {
    const us = AT_17 + 123_456;
    expect(microsFromIso(isoFromMicros(us))).toBe(us);
  });
});

describe('partition hours', () => {
  it('names the UTC hour a time is written under, whatever the process zone', () => {
    expect(utcHour(AT_17 - 1)).toBe('2026-11-27T16');
    expect(utcHour(AT_17)).toBe('2026-11-27T17');
  });
});
