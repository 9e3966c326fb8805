import type { ProblemSink } from './problems.ts';

/**
 * The latest time a row may carry: the last microsecond of year 9999. OTLP/JSON sends times as
 * decimal strings of any length, and a time past what a Parquet TIMESTAMP, DuckDB and an ISO
 * date hold would be acknowledged, then fail every flush of the WAL behind it.
 */
export const MAX_TIME_US = Date.UTC(10000, 0, 1) * 1000 - 1;

/**
 * How far past its receipt a span's time may be and still be believed: clocks that run minutes
 * ahead of the collector's are common and their times kept; a day ahead is a wrong clock, whose
 * hour partition retention would never reach.
 */
export const FUTURE_TOLERANCE_US = 24 * 3600 * 1_000_000;

/** A finite time from the epoch up to MAX_TIME_US, in µs. */
export function isStorableTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_TIME_US;
}

/**
 * A µs time as ISO 8601 with its microseconds, for problem messages. Past 2255 a double holds no
 * exact µs (MAX_TIME_US itself rounds up to year 10000): the digits are the nearest it holds.
 */
export function isoMicros(us: number): string {
  const ms = Math.min(Math.floor(us / 1000), Date.UTC(10000, 0, 1) - 1);
  const micros = Math.min(999, Math.max(0, Math.round(us - ms * 1000)));
  return new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

/**
 * A span row's start and end from the sender's times (null when missing or unusable) and, when
 * known, the time the collector received the span (µs). A span with no time at all takes the
 * receipt time, and one starting more than FUTURE_TOLERANCE_US past it is moved there with its
 * duration, an end that far ahead is set to the start: each with a problem naming what was sent,
 * where it would be stored at 1970 (removed by retention at once) or centuries ahead (never).
 */
export function spanTimes(
  sentStart: number | null,
  sentEnd: number | null,
  receivedUs: number | undefined,
  problems: ProblemSink,
): { start: number; end: number } {
  let start = sentStart ?? sentEnd;
  if (start === null) {
    if (receivedUs === undefined) return { start: 0, end: 0 };
    problems.add(
      'time_from_receipt',
      'no start or end time: stored at the time the collector received the span',
      'start_time',
    );
    return { start: receivedUs, end: receivedUs };
  }
  let end = sentEnd ?? start;
  if (end < start) {
    problems.add('negative_duration', 'end_time is before start_time; end set to start', 'end_time');
    end = start;
  }
  if (receivedUs === undefined) return { start, end };
  const latest = receivedUs + FUTURE_TOLERANCE_US;
  const sentEndTime = end;
  if (start > latest) {
    problems.add(
      'future_time',
      `start_time ${isoMicros(start)} is more than a day after the collector received the span: stored at the time received, with its duration`,
      'start_time',
    );
    end = Math.min(MAX_TIME_US, receivedUs + (end - start));
    start = receivedUs;
  }
  if (end > latest) {
    problems.add(
      'future_time',
      `end_time ${isoMicros(sentEndTime)} is more than a day after the collector received the span: end set to start`,
      'end_time',
    );
    end = start;
  }
  return { start, end };
}
