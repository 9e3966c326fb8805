/** Microseconds since the epoch -> ISO-8601 UTC with microseconds, as the manifest records times. */
export function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** ISO-8601 (any precision Date understands, plus optional microsecond digits) -> microseconds. */
export function microsFromIso(iso: string): number | null {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}${match[3] ?? 'Z'}`);
  if (Number.isNaN(ms)) return null;
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return ms * 1000 + Number(fraction);
}
