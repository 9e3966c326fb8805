/**
 * The text a view's session search looks for in session keys, the same for the SQL and the fast
 * path: trimmed, and no longer than a stored id. The normalizer keeps the first MAX_ID_CHARS of a
 * longer session id, so the whole id, pasted, would otherwise never match the session stored
 * under it; cut the same way, it does.
 */
import { MAX_ID_CHARS } from './schema.ts';

export function searchNeedle(search: string): string {
  const text = search.trim();
  // A cut may split a surrogate pair: the collector stores the lone half as U+FFFD.
  return text.length <= MAX_ID_CHARS ? text : text.slice(0, MAX_ID_CHARS).toWellFormed();
}
