/** Microseconds since the epoch -> ISO-8601 UTC with microseconds, as the manifest records times. */
export function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/**
 * The UTC hour (YYYY-MM-DDTHH) of a time in microseconds: the `date=…/hour=…` partition it is
 * written under; its first 10 characters are the day.
 */
export function utcHour(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 13);
}

/**
 * ISO-8601 (any precision Date understands, plus optional microsecond digits) -> microseconds.
 * Also what people type on a command line: seconds left out (`2026-11-27T17:00`) and a space for
 * the `T`. Without an offset the time is UTC, as the manifest writes it, not the machine's zone.
 */
export function microsFromIso(iso: string): number | null {
  const match = /^(.*)[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!match) return null;
  const [, date = '', hoursMinutes = '', seconds = '00', fraction = '', offset = 'Z'] = match;
  const ms = Date.parse(`${date}T${hoursMinutes}:${seconds}${offset}`);
  if (Number.isNaN(ms) || !isCalendarDate(date)) return null;
  return ms * 1000 + Number(fraction.padEnd(6, '0'));
}

/** Date.parse rolls a day past the month's end over (2026-02-30 is March 2): such a date is refused. */
function isCalendarDate(date: string): boolean {
  const midnight = Date.parse(`${date}T00:00Z`);
  return !Number.isNaN(midnight) && new Date(midnight).toISOString().slice(0, -14) === date;
}
