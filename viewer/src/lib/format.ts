/** Display formatting for the workspace. Pure functions; every one handles null as "unknown". */
import type { CallProblem } from '@parley/shared/view';

/*
 * Numbers as en-US Intl.NumberFormat writes them, without it: the first Intl formatter a page
 * creates loads ICU data, 30–65 ms of the main thread while the first page is on its way
 * (Chromium here). Unit tests hold these to Intl's output.
 */

/** Digits of a non-negative integer with thousands separators. */
function grouped(x: number): string {
  let digits = String(x);
  if (x >= 1e21) {
    // String() writes an exponent here: spell out its shortest digits, as Intl does.
    const [mantissa = '', exponent = '0'] = x.toExponential().split('e');
    digits = mantissa.replace('.', '').padEnd(Number(exponent) + 1, '0');
  }
  return groupDigits(digits);
}

function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Rounded half away from zero to an integer, grouped (Intl: maximumFractionDigits 0). */
function integer(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '∞' : '-∞';
  return `${n < 0 || Object.is(n, -0) ? '-' : ''}${grouped(Math.round(Math.abs(n)))}`;
}

const UNITS = ['', 'K', 'M', 'B', 'T'];

/** 12.3K, 4.5M, 1B for safe integers of 1,000 and more (Intl: compact, maximumFractionDigits 1). */
function compact(n: number): string {
  const a = Math.abs(n);
  let unit = 0;
  while (unit < UNITS.length - 1 && a >= 1000 ** (unit + 1)) unit++;
  // Tenths of the unit, rounded half away from zero; dividing an integer by a power of ten keeps
  // an exact half exact.
  const tenths = (u: number): number => Math.round(a / 10 ** (3 * u - 1));
  let t = tenths(unit);
  // 999.95K rounds to 1000K, which Intl writes as 1M.
  if (t >= 10_000 && unit < UNITS.length - 1) t = tenths(++unit);
  const fraction = t % 10;
  const whole = Math.floor(t / 10);
  // Compact notation groups only from five digits on (Intl's useGrouping 'min2').
  const digits = whole >= 10_000 ? grouped(whole) : String(whole);
  return `${n < 0 ? '-' : ''}${digits}${fraction ? `.${fraction}` : ''}${UNITS[unit] as string}`;
}

export function formatInt(n: number | null | undefined): string {
  return n == null ? '—' : integer(n);
}

/** Why a session's token total reads "—": no call of it reported the figure (`what`, lower case). */
export function notReportedTitle(what: string): string {
  return `No call of this session reported ${what}`;
}

/** Token counts: exact below 10k, compact above (the exact value goes in the title). */
export function formatTokens(n: number | null | undefined): string {
  if (n == null) return '—';
  return Math.abs(n) < 10_000 ? integer(n) : compact(n);
}

/**
 * `digits` significant digits in plain decimals: toPrecision switches to `6.0e-7` below a
 * millionth, and a cost column must never read as an exponent.
 */
function significant(x: number, digits: number, minDecimals = 0): string {
  return x.toFixed(Math.min(100, Math.max(minDecimals, digits - 1 - roundedExponent(x, digits))));
}

/**
 * The power of ten of `x` once rounded to `digits` significant digits: 0.009995 to three is
 * 0.0100, whose digits start a place earlier than the unrounded value's log10 says (that gave
 * $0.01000, four digits). toExponential and toFixed round the same exact value the same way.
 */
function roundedExponent(x: number, digits: number): number {
  return Number(x.toExponential(digits - 1).split('e')[1]);
}

/**
 * Unknown cost reads "no price": a missing price is never shown as $0.00. Below a dollar three
 * significant digits, so a column of calls sorted by cost shows its order ($0.0312 above $0.0305,
 * where two decimals read $0.03 for both); cents from a dollar on; whole dollars from $1,000.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd == null) return 'no price';
  if (usd === 0) return '$0';
  if (!Number.isFinite(usd)) return `$${integer(usd)}`;
  const small = significant(usd, 3);
  if (Math.abs(Number(small)) < 1) return `$${small}`;
  const cents = usd.toFixed(2);
  if (Math.abs(Number(cents)) < 1000) return `$${cents}`;
  return `$${integer(usd)}`;
}

/**
 * A cost as precisely as a title should give it: six significant digits but never fewer than
 * cents (six alone drop them from $10,000 on, and the cell shows whole dollars there: the title
 * is where they are read), without float noise, thousands grouped.
 */
export function preciseCost(usd: number | null | undefined): string {
  if (usd == null) return 'no price';
  // toFixed writes an exponent from 1e21 on, where a double holds no cents anyway.
  if (usd === 0 || !Number.isFinite(usd) || Math.abs(usd) >= 1e21) return formatCost(usd);
  const [whole = '', fraction = ''] = significant(usd, 6, 2).split('.');
  const decimals = fraction.replace(/0+$/, '');
  return `$${groupDigits(whole)}${decimals ? `.${decimals}` : ''}`;
}

/**
 * Each unit is rounded before it is split, so a duration never reads "5m 60s" or "60.0 s": those
 * become the next unit up.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s.toFixed(2) !== '10.00' && s < 10) return `${s.toFixed(2)} s`;
  if (s.toFixed(1) !== '60.0' && s < 60) return `${s.toFixed(1)} s`;
  const seconds = Math.round(s);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  const minutes = Math.round(s / 60);
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  const hours = Math.round(s / 3600);
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

const HOUR_US = 3_600_000_000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local date and time, to the second, from epoch microseconds. */
export function formatTime(us: number | null | undefined): string {
  if (us == null) return '—';
  const d = new Date(us / 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The viewer's UTC offset at `us`, as "UTC", "UTC+1", "UTC-8" or "UTC+5:30": times are shown in
 * local time, and teammates reading one link from different zones must be able to tell.
 */
export function zoneLabel(us: number): string {
  const minutes = -new Date(us / 1000).getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  const hm = abs % 60 === 0 ? `${abs / 60}` : `${Math.floor(abs / 60)}:${pad(abs % 60)}`;
  return `UTC${minutes > 0 ? '+' : '-'}${hm}`;
}

/**
 * The viewer's UTC offsets from `fromUs` to `toUs` as zoneLabel names them, in the order they
 * first occur: "UTC+1", or "UTC+1 / UTC+2" across a daylight-saving change. An offset holds for
 * weeks at least, so a thousand samples over the years a source spans miss none.
 */
export function zoneLabels(fromUs: number, toUs: number): string {
  const labels = new Set([zoneLabel(fromUs)]);
  const step = Math.max(HOUR_US, (toUs - fromUs) / 1000);
  for (let us = fromUs + step; us < toUs; us += step) labels.add(zoneLabel(us));
  labels.add(zoneLabel(Math.max(fromUs, toUs)));
  return [...labels].join(' / ');
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
  return `${integer(first)}–${integer(last)} of ${integer(total)}`;
}

/** Shortens an id for display, keeping both ends recognizable. */
export function truncateMiddle(id: string, max = 24): string {
  if (id.length <= max) return id;
  const keep = Math.floor((max - 1) / 2);
  return `${id.slice(0, keep)}…${id.slice(id.length - keep)}`;
}

/** One problem the normalizer recorded on a call, as a line of a title. */
export function problemLine(p: CallProblem): string {
  return `${p.code}${p.field ? ` (${p.field})` : ''}: ${p.message}`;
}
