import { describe, expect, it } from 'vitest';
import { parseCliOptions, parseDuration } from '../src/synthetic/cli-options.ts';

describe('gen-synthetic options', () => {
  it('parses a full command line', () => {
    expect(
      parseCliOptions({
        spans: '1000000',
        sessions: '100000',
        seed: '42',
        format: 'parquet',
        out: 'd',
        batch: '256',
        end: '2026-11-26T00:00:00Z',
        window: '24h',
      }),
    ).toEqual({
      ok: true,
      options: {
        spans: 1_000_000,
        sessions: 100_000,
        seed: 42,
        format: 'parquet',
        out: 'd',
        batch: 256,
        endMs: Date.parse('2026-11-26T00:00:00Z'),
        windowMs: 86_400_000,
      },
    });
  });

  it('defaults batch to 512, window to 7 days, format to protobuf', () => {
    const parsed = parseCliOptions({ spans: '10', out: 'd' });
    expect(parsed.ok && parsed.options).toMatchObject({
      batch: 512,
      windowMs: 7 * 86_400_000,
      format: 'protobuf',
      endMs: undefined,
      sessions: 1,
    });
  });

  it('reports bad values instead of guessing', () => {
    expect(parseCliOptions({ out: 'd' })).toEqual({ ok: false, error: '--spans is required' });
    expect(parseCliOptions({ spans: '-3', out: 'd' })).toEqual({
      ok: false,
      error: '--spans must be a positive integer',
    });
    expect(parseCliOptions({ spans: '3', out: 'd', format: 'csv' })).toEqual({
      ok: false,
      error: '--format must be protobuf, json or parquet',
    });
    expect(parseCliOptions({ spans: '3', out: 'd', end: 'yesterday' }).ok).toBe(false);
    expect(parseCliOptions({ spans: '3', out: 'd', window: '7 days' }).ok).toBe(false);
    expect(parseCliOptions({ spans: '3' })).toEqual({ ok: false, error: '--out is required' });
  });

  it('parses durations', () => {
    expect([
      parseDuration('7d'),
      parseDuration('30m'),
      parseDuration('90s'),
      parseDuration('2w'),
      parseDuration('1.5h'),
    ]).toEqual([604_800_000, 1_800_000, 90_000, 1_209_600_000, 5_400_000]);
    expect(parseDuration('0d')).toBeNull();
    expect(parseDuration('d')).toBeNull();
  });
});
