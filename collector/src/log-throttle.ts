/**
 * A line per kind of event and interval, not per request: a failing disk or a misconfigured
 * exporter repeats the same failure hundreds of times a second. The next line after a quiet
 * spell carries how many were not logged meanwhile.
 */
import type { LogLevel, Logger } from './log.ts';

/** Keys remembered per logger at most; past it the memory starts again (a flood of distinct keys). */
const MAX_KEYS = 1_000;

export type ThrottledLog = (
  log: Logger,
  level: LogLevel,
  event: string,
  key: string,
  fields: Record<string, unknown>,
) => void;

export function throttledLog(everyMs: number): ThrottledLog {
  const seen = new WeakMap<Logger, Map<string, { lastMs: number; suppressed: number }>>();
  return (log, level, event, key, fields) => {
    let byKey = seen.get(log);
    if (byKey === undefined || byKey.size >= MAX_KEYS) {
      byKey = new Map();
      seen.set(log, byKey);
    }
    const now = Date.now();
    const last = byKey.get(key);
    if (last !== undefined && now - last.lastMs < everyMs) {
      last.suppressed++;
      return;
    }
    byKey.set(key, { lastMs: now, suppressed: 0 });
    const suppressed = last?.suppressed ?? 0;
    log.log(level, event, suppressed > 0 ? { ...fields, not_logged_since: suppressed } : fields);
  };
}
