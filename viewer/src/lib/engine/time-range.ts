/** Time ranges as microsecond bounds for choosing what to load. */
import { resolveTimeRange } from '@parley/shared/sql/time';
import type { TimeRange } from '@parley/shared/view';

export interface UsRange {
  fromUs: number;
  toUs: number;
}

/** The view's range as loading bounds (open ends become infinite); null = all time. */
export function loadRange(time: TimeRange, nowUs: number): UsRange | null {
  const { fromUs, toUs } = resolveTimeRange(time, nowUs);
  if (fromUs === null && toUs === null) return null;
  return { fromUs: fromUs ?? Number.MIN_SAFE_INTEGER, toUs: toUs ?? Number.MAX_SAFE_INTEGER };
}

export function overlaps(minUs: number, maxUs: number, range: UsRange | null): boolean {
  return range === null || (maxUs >= range.fromUs && minUs <= range.toUs);
}

/** Parses the manifest's ISO-8601 time (microsecond precision kept); NaN when malformed. */
export function isoToUs(iso: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    iso.trim().replace(' ', 'T'),
  );
  if (!m) return Number.NaN;
  const ms = Date.parse(`${m[1]}${m[3] ?? 'Z'}`);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return ms * 1000 + Number(frac);
}
