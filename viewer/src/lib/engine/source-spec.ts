/** The source a view's `src` names; null for local files, which only the user can provide. */
import type { SourceSpec } from './api.ts';

export function remoteSourceSpec(src: string): SourceSpec | null {
  if (src === 'local:') return null;
  return src === '' ? { kind: 'collector' } : { kind: 'url', url: src };
}

/**
 * The worker's name when the page starts it before the app loads (app.html): the page URL, so
 * the worker can open the source and read the first page's data at once.
 */
export const BOOT_NAME_PREFIX = 'parley-data ';
