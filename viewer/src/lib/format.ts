/** Display formatting for the workspace. Pure functions; every one handles null as "unknown". */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatInt(n: number | null | undefined): string {
  return n == null ? '—' : integer.format(n);
}

/** Token counts: exact below 10k, compact above (the exact value goes in the title). */
export function formatTokens(n: number | null | undefined): string {
  if (n == null) return '—';
  return Math.abs(n) < 10_000 ? integer.format(n) : compact.format(n);
}

/** Unknown cost reads "no price": a missing price is never shown as $0.00. */
export function formatCost(usd: number | null | undefined): string {
  if (usd == null) return 'no price';
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(usd < 100 ? 2 : 0)}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local date and time, to the second, from epoch microseconds. */
export function formatTime(us: number | null | undefined): string {
  if (us == null) return '—';
  const d = new Date(us / 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Month-day and time to the minute, for narrow columns. */
export function formatShortTime(us: number | null | undefined): string {
  if (us == null) return '—';
  const d = new Date(us / 1000);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** ISO-8601 UTC, for titles and exports. */
export function isoTime(us: number): string {
  return new Date(us / 1000).toISOString();
}

/** Value for <input type="datetime-local"> (local time, minutes). */
export function toLocalInput(us: number): string {
  const d = new Date(us / 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Parses a datetime-local value; null when it is not a date. */
export function fromLocalInput(value: string): number | null {
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms * 1000 : null;
}

export function formatBytes(n: number | null | undefined): string {
  if (n == null) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "51–100 of 12,345" for a 1-based page. */
export function pageRange(page: number, pageSize: number, total: number): string {
  if (total === 0) return '0 of 0';
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(page * pageSize, total);
  return `${integer.format(first)}–${integer.format(last)} of ${integer.format(total)}`;
}

/** Shortens an id for display, keeping both ends recognizable. */
export function truncateMiddle(id: string, max = 24): string {
  if (id.length <= max) return id;
  const keep = Math.floor((max - 1) / 2);
  return `${id.slice(0, keep)}…${id.slice(id.length - keep)}`;
}
