import { describe, expect, it } from 'vitest';
import type { ViewState } from '@parley/shared/view';
import { filterKey, listKey, resetFilters, searchNavMode } from '../../src/lib/view-state.ts';

const view: ViewState = {
  src: 'https://example.com/snap/',
  search: 'abc',
  models: ['m1'],
  time: { kind: 'relative', range: '7d' },
  page: 3,
  pageSize: 25,
  sort: { key: 'total_cost_usd', dir: 'desc' },
  session: 's',
  message: 'x:1',
};

describe('view state', () => {
  it('Reset clears every filter and keeps the time range, source, sort and page size', () => {
    expect(resetFilters(view)).toEqual({
      ...view,
      search: '',
      models: [],
      page: 1,
      session: '',
      message: '',
    });
  });

  it('pushes a search started or cleared, and replaces it while it is refined', () => {
    expect(searchNavMode('', 'a')).toBe('push');
    expect(searchNavMode('a', 'ab')).toBe('replace');
    expect(searchNavMode('ab', '')).toBe('push');
    expect(searchNavMode('', '')).toBe('push');
  });

  it('keys queries only on what changes their result', () => {
    expect(filterKey({ ...view, page: 1, session: '' })).toBe(filterKey(view));
    expect(listKey({ ...view, session: '' })).toBe(listKey(view));
    expect(listKey({ ...view, page: 4 })).not.toBe(listKey(view));
    expect(filterKey({ ...view, search: 'abd' })).not.toBe(filterKey(view));
  });
});
