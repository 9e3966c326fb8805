/**
 * Time bounds given on the command line: a duration back from now (`90m`, `24h`, `7d`, `2w`) or
 * an absolute ISO-8601 time. Results are microseconds since the epoch.
 */
import { microsFromIso } from '../storage/time-format.ts';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export type TimeResult = { ok: true; us: number } | { ok: false; error: string };

export function parseTimeBound(text: string, nowMs: number): TimeResult {
  const relative = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (relative) {
    const ms = Number(relative[1]) * (UNIT_MS[relative[2] as string] as number);
    // No span starts before the epoch; 999999999w back would not even fit DuckDB's timestamps.
    return { ok: true, us: Math.max(0, nowMs - ms) * 1000 };
  }
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const us = microsFromIso(dateOnly);
  if (us === null) {
    return { ok: false, error: `not a duration (like 24h, 7d) or an ISO-8601 time: ${JSON.stringify(text)}` };
  }
  return { ok: true, us };
}
