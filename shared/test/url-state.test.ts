import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_PAGE,
  MAX_TIME_US,
  PAGE_SIZES,
  RELATIVE_RANGES,
  SORT_KEYS,
  defaultViewState,
  formatIsoUs,
  parseIsoUs,
  parseViewState,
  serializeViewState,
} from '../src/url-state.ts';
import type { ViewState } from '../src/view.ts';

const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const timeUs = fc.integer({ min: 0, max: MAX_TIME_US - 1 });

const validState: fc.Arbitrary<ViewState> = fc
  .record({
    src: fc.oneof(
      fc.constantFrom('', 'local:', '/data', '/snapshots/a b/manifest.json'),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
    ),
    search: text(40),
    models: fc.uniqueArray(
      text(20).filter((m) => m !== ''),
      { maxLength: 4 },
    ),
    time: fc.oneof(
      fc.constantFrom(...RELATIVE_RANGES).map((range) => ({ kind: 'relative' as const, range })),
      fc
        .tuple(timeUs, timeUs)
        .map(([a, b]) => ({ kind: 'absolute' as const, fromUs: Math.min(a, b), toUs: Math.max(a, b) })),
    ),
    page: fc.integer({ min: 1, max: 1_000_000 }),
    pageSize: fc.constantFrom(...PAGE_SIZES),
    sort: fc.record({
      key: fc.constantFrom(...SORT_KEYS),
      dir: fc.constantFrom('asc' as const, 'desc' as const),
    }),
    session: text(30),
    message: fc
      .tuple(fc.stringMatching(/^[0-9a-f]{16}$/), fc.integer({ min: -1, max: 9999 }))
      .map(([s, n]) => `${s}:${n}`),
  })
  .map((s) => ({ ...s, message: s.session === '' ? '' : s.message }));

describe('url-state', () => {
  it('round-trips every valid state through the URL text', () => {
    fc.assert(
      fc.property(validState, (s) => {
        const url = serializeViewState(s).toString();
        const { state, notices } = parseViewState(new URLSearchParams(url));
        expect(notices).toEqual([]);
        expect(state).toEqual(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('serializes the default state to an empty query, and omits each default', () => {
    expect(serializeViewState(defaultViewState()).toString()).toBe('');
    const s: ViewState = { ...defaultViewState(), search: 'abc', page: 3 };
    expect(serializeViewState(s).toString()).toBe('q=abc&page=3');
  });

  it('writes keys in a stable order whatever the order of the input URL', () => {
    const a = parseViewState(
      new URLSearchParams(
        'msg=0123456789abcdef:2&session=s1&size=100&page=2&sort=cost:asc&t=7d&models=b&models=a&q=x&src=/data',
      ),
    ).state;
    expect(serializeViewState(a).toString()).toBe(
      'src=%2Fdata&q=x&models=b&models=a&t=7d&sort=cost%3Aasc&page=2&size=100&session=s1&msg=0123456789abcdef%3A2',
    );
  });

  it('reads repeated models, dropping empties and duplicates', () => {
    const { state, notices } = parseViewState(
      new URLSearchParams('models=gpt-4o&models=&models=a,b&models=gpt-4o'),
    );
    expect(state.models).toEqual(['gpt-4o', 'a,b']);
    expect(notices).toEqual([]);
  });

  it('reads absolute ranges in ISO-8601 to the microsecond, and they win over t', () => {
    const { state, notices } = parseViewState(
      new URLSearchParams('t=1h&from=2026-11-20T10:00:00.123456Z&to=2026-11-21'),
    );
    expect(state.time).toEqual({
      kind: 'absolute',
      fromUs: Date.UTC(2026, 10, 20, 10) * 1000 + 123_456,
      // A date alone as `to`: through the end of that day.
      toUs: Date.UTC(2026, 10, 22) * 1000 - 1,
    });
    expect(notices).toHaveLength(1);
    expect(parseViewState(new URLSearchParams('from=2026-11-26&to=2026-11-26')).state.time).toEqual({
      kind: 'absolute',
      fromUs: Date.UTC(2026, 10, 26) * 1000,
      toUs: Date.UTC(2026, 10, 27) * 1000 - 1,
    });
    expect(parseViewState(new URLSearchParams('from=2026-11-26&to=2026-11-26T06:00')).state.time).toEqual({
      kind: 'absolute',
      fromUs: Date.UTC(2026, 10, 26) * 1000,
      toUs: Date.UTC(2026, 10, 26, 6) * 1000,
    });
    expect(parseIsoUs('2026-11-20T10:00:00+02:00')).toBe(Date.UTC(2026, 10, 20, 8) * 1000);
    expect(formatIsoUs(Date.UTC(2026, 10, 20, 10) * 1000 + 5)).toBe('2026-11-20T10:00:00.000005Z');
    expect(formatIsoUs(Date.UTC(2026, 10, 20, 10) * 1000)).toBe('2026-11-20T10:00:00Z');
  });

  it('falls back to defaults with a notice for each invalid value', () => {
    const cases: [string, Partial<ViewState>][] = [
      ['t=2w', {}],
      ['from=2026-02-30&to=2026-03-01', {}],
      ['from=2026-03-02&to=2026-03-01', {}],
      ['from=2026-03-01', {}],
      ['from=yesterday&to=today', {}],
      ['page=0', {}],
      ['page=-3', {}],
      ['page=1e3', {}],
      ['page=', {}],
      ['page=2.5', {}],
      ['size=10', {}],
      ['size=50.0', {}],
      ['sort=cost:sideways', {}],
      ['sort=price', {}],
      ['sort=cost:asc:x', {}],
      ['src=javascript:alert(1)', {}],
      ['src=//evil.example/x', {}],
      ['src=file:///etc/passwd', {}],
      ['msg=abc', {}],
      ['session=s&msg=<script>', { session: 's' }],
      [`q=${'x'.repeat(5000)}`, {}],
    ];
    for (const [query, expected] of cases) {
      const { state, notices } = parseViewState(new URLSearchParams(query));
      expect(state, query).toEqual({ ...defaultViewState(), ...expected });
      expect(notices.length, query).toBe(1);
    }
  });

  it('reads a page number past any data as the largest page, for the app to show the last one', () => {
    for (const page of ['99999999', '99999999999', '9'.repeat(400)]) {
      const { state, notices } = parseViewState(new URLSearchParams({ page }));
      expect(state.page, page).toBe(MAX_PAGE);
      expect(notices, page).toEqual([]);
    }
    expect(parseViewState(new URLSearchParams('page=0042')).state.page).toBe(42);
  });

  it('accepts sort names with or without a direction', () => {
    expect(parseViewState(new URLSearchParams('sort=cost')).state.sort).toEqual({
      key: 'total_cost_usd',
      dir: 'desc',
    });
    expect(parseViewState(new URLSearchParams('sort=input_tokens:asc')).state.sort).toEqual({
      key: 'input_tokens',
      dir: 'asc',
    });
  });

  it('keeps hostile text as plain text', () => {
    const q = "'; DROP TABLE spans; -- <img src=x onerror=alert(1)> %_\\";
    const { state, notices } = parseViewState(new URLSearchParams({ q, session: q }));
    expect(state.search).toBe(q);
    expect(state.session).toBe(q);
    expect(notices).toEqual([]);
  });

  it('never throws on arbitrary parameters and always returns a valid state', () => {
    const key = fc.constantFrom(
      'src',
      'q',
      'models',
      't',
      'from',
      'to',
      'page',
      'size',
      'sort',
      'session',
      'msg',
      'x',
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.string({ unit: 'grapheme-ascii', maxLength: 30 }))),
        fc.string(),
        (pairs, raw) => {
          for (const params of [new URLSearchParams(pairs), new URLSearchParams(raw)]) {
            const { state } = parseViewState(params);
            const again = parseViewState(serializeViewState(state));
            expect(again.state).toEqual(state);
            expect(again.notices).toEqual([]);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
