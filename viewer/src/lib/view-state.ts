/** Pure operations on the view state (no navigation): what a reset keeps, what a query depends on. */
import type { ViewState } from '@parley/shared/view';

/** Every filter cleared; the time range (app-wide), source, sort and page size stay. */
export function resetFilters(state: ViewState): ViewState {
  return { ...state, search: '', models: [], page: 1, session: '', message: '' };
}

/** The parts of the view that change which sessions match (not paging, sorting or what is open). */
export function filterKey(s: ViewState): string {
  return JSON.stringify([s.src, s.search, s.models, s.time]);
}

export function listKey(s: ViewState): string {
  return JSON.stringify([s.src, s.search, s.models, s.time, s.page, s.pageSize, s.sort]);
}

/**
 * How a search text reaches the URL: starting a search or clearing one is a step Back returns
 * from; refining the text as it is typed replaces that step, so Back does not replay keystrokes.
 */
export function searchNavMode(from: string, to: string): 'push' | 'replace' {
  return from !== '' && to !== '' ? 'replace' : 'push';
}
