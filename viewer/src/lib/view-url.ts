/**
 * The URL is the single source of truth for view state: components never hold view state of their
 * own, they navigate to a new URL. Typing replaces the history entry; navigation pushes one.
 */
import { goto } from '$app/navigation';
import { parseViewState, serializeViewState } from '@parley/shared/url-state';
import type { ViewState } from '@parley/shared/view';

export interface ParsedView {
  state: ViewState;
  notices: string[];
}

/** Takes the href: SvelteKit's page.url is a read-only URL-like, not a URL. */
export function readView(href: string): ParsedView {
  return parseViewState(new URL(href).searchParams);
}

export function viewUrl(state: ViewState, base: string): URL {
  const url = new URL(base);
  url.search = serializeViewState(state).toString();
  url.hash = '';
  return url;
}

export type NavMode = 'push' | 'replace';

export function navigate(state: ViewState, base: string, mode: NavMode = 'push'): Promise<void> {
  const url = viewUrl(state, base);
  if (url.href === base) return Promise.resolve();
  // Same page, new query string, built from the current URL: this keeps working under any prefix
  // the static build is served from, which a route resolved from the root would not.
  // eslint-disable-next-line svelte/no-navigation-without-resolve
  return goto(url, { replace: mode === 'replace', reset: false });
}
