import { describe, expect, it } from 'vitest';
import { seriesDomain } from '../../src/sql/time.ts';

const H = 3_600_000_000;
const NOW = 1000 * H + 1234;

describe('seriesDomain', () => {
  it("spans the data's extent for 'all', cut at bucket boundaries", () => {
    const d = seriesDomain({ fromUs: null, toUs: null }, NOW, H, [{ bucketUs: 10 * H }], {
      minUs: 10 * H + 5,
      maxUs: 12 * H + 7,
    });
    expect(d).toEqual({ startUs: 10 * H, endUs: 13 * H });
  });

  it('ends a relative range now, whatever the buckets hold', () => {
    const d = seriesDomain({ fromUs: NOW - 24 * H, toUs: null }, NOW, H, [{ bucketUs: 990 * H }]);
    expect(d).toEqual({ startUs: 976 * H, endUs: 1001 * H });
  });

  it('keeps an absolute range even where there were no calls', () => {
    const d = seriesDomain({ fromUs: 5 * H, toUs: 50 * H }, NOW, H, [{ bucketUs: 20 * H }]);
    expect(d).toEqual({ startUs: 5 * H, endUs: 51 * H });
  });

  it('widens the axis to buckets past its end (a clock ahead of the viewer)', () => {
    const d = seriesDomain({ fromUs: NOW - H, toUs: null }, NOW, H, [{ bucketUs: 1002 * H }]);
    expect(d).toEqual({ startUs: 999 * H, endUs: 1003 * H });
  });

  it('falls back to one bucket at now without range, extent or buckets', () => {
    expect(seriesDomain({ fromUs: null, toUs: null }, NOW, H, [])).toEqual({
      startUs: 1000 * H,
      endUs: 1001 * H,
    });
  });
});
