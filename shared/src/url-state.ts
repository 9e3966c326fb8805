/**
 * ViewState <-> URLSearchParams. URL values are untrusted: every invalid value falls back to its
 * default and is reported in `notices`; parsing never throws. Serializing omits defaults (short
 * URLs) and writes keys in a stable order, so equal states give equal URLs.
 *
 * Parameters (in serialization order):
 *   src      data source: an http(s) URL, a root-relative path ('/data'), or 'local:'; default ''
 *   q        session-id search text (any text, kept as typed); default ''
 *   models   one parameter per model, repeated (`models=a&models=b`), never a comma list, so a
 *            model name may contain any character; duplicates and empty values are dropped
 *   t        relative range 15m|1h|24h|7d|30d|all; default 24h
 *   from,to  absolute range, ISO-8601 (date, or date-time with up to 9 fractional digits, 'Z' or
 *            an offset; no zone means UTC; a date alone as `to` means the end of that day); both
 *            required, from <= to; they win over `t`
 *   sort     '<key>:<asc|desc>' with key last|first|duration|calls|input|output|cached|cost|errors|
 *            session (the SortKey names are accepted too); default last:desc
 *   page     1-based page number; default 1; a number past MAX_PAGE reads as MAX_PAGE (past the
 *            data's end, like any page a link names beyond it: the app shows the last one)
 *   size     page size 25|50|100|200; default 50
 *   session  open session key (a session id, or 'trace:<trace_id>'); default none
 *   msg      open message anchor '<span_id>:<seq>', only together with session; default none
 */
import type { RelativeRange, Sort, SortKey, TimeRange, ViewState } from './view.ts';

export const RELATIVE_RANGES: readonly RelativeRange[] = ['15m', '1h', '24h', '7d', '30d', 'all'];
export const PAGE_SIZES: readonly ViewState['pageSize'][] = [25, 50, 100, 200];
export const MAX_PAGE = 1_000_000;
export const MAX_TEXT_LENGTH = 4096;
/** Absolute times must fall in [1970-01-01, 2200-01-01): microseconds stay exact JS numbers. */
export const MAX_TIME_US = Date.UTC(2200, 0, 1) * 1000;

const SORT_NAMES: Record<SortKey, string> = {
  last_time: 'last',
  first_time: 'first',
  duration: 'duration',
  llm_calls: 'calls',
  input_tokens: 'input',
  output_tokens: 'output',
  cached_input_tokens: 'cached',
  total_cost_usd: 'cost',
  errors: 'errors',
  session_id: 'session',
};
export const SORT_KEYS = Object.keys(SORT_NAMES) as SortKey[];
const SORT_BY_NAME = new Map<string, SortKey>([
  ...SORT_KEYS.map((k) => [SORT_NAMES[k], k] as const),
  ...SORT_KEYS.map((k) => [k, k] as const),
]);

export function defaultViewState(): ViewState {
  return {
    src: '',
    search: '',
    models: [],
    time: { kind: 'relative', range: '24h' },
    page: 1,
    pageSize: 50,
    sort: { key: 'last_time', dir: 'desc' },
    session: '',
    message: '',
  };
}

const MESSAGE_ANCHOR = /^[0-9A-Za-z_-]{1,64}:-?\d{1,9}$/;

export function isValidSrc(src: string): boolean {
  if (src === '' || src === 'local:') return true;
  if (src.length > MAX_TEXT_LENGTH) return false;
  if (src.startsWith('/')) return !src.startsWith('//') && !src.includes('\\');
  try {
    const u = new URL(src);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function parseViewState(params: URLSearchParams): { state: ViewState; notices: string[] } {
  const state = defaultViewState();
  const notices: string[] = [];
  const one = (key: string): string | null => params.get(key);

  const src = one('src');
  if (src !== null) {
    if (isValidSrc(src)) state.src = src;
    else notices.push('Ignored the data source in the URL: not an http(s) URL or a path.');
  }

  const q = one('q');
  if (q !== null) {
    if (q.length <= MAX_TEXT_LENGTH) state.search = q;
    else notices.push(`Ignored the search text in the URL: longer than ${MAX_TEXT_LENGTH} characters.`);
  }

  const models: string[] = [];
  for (const m of params.getAll('models')) {
    if (m === '' || models.includes(m)) continue;
    if (m.length > MAX_TEXT_LENGTH) notices.push('Ignored an over-long model name in the URL.');
    else models.push(m);
  }
  state.models = models;

  const time = parseTime(params.get('t'), params.get('from'), params.get('to'), notices);
  if (time) state.time = time;

  const sort = one('sort');
  if (sort !== null) {
    const parsed = parseSort(sort);
    if (parsed) state.sort = parsed;
    else notices.push(`Unknown sort "${clip(sort)}"; sorting by last activity, newest first.`);
  }

  const page = one('page');
  if (page !== null) {
    // Digits only: "1e3" or "-3" is no page number, while "99999999" is one past any data.
    const n = /^\d+$/.test(page) ? Number(page) : 0;
    if (n >= 1) state.page = Math.min(n, MAX_PAGE);
    else notices.push(`Invalid page "${clip(page)}"; showing page 1.`);
  }

  const size = one('size');
  if (size !== null) {
    const n = parseIntStrict(size);
    const found = PAGE_SIZES.find((s) => s === n);
    if (found !== undefined) state.pageSize = found;
    else notices.push(`Invalid page size "${clip(size)}"; using 50 (choices: ${PAGE_SIZES.join(', ')}).`);
  }

  const session = one('session');
  if (session !== null && session !== '') {
    if (session.length <= MAX_TEXT_LENGTH) state.session = session;
    else notices.push('Ignored the open session in the URL: id too long.');
  }

  const msg = one('msg');
  if (msg !== null && msg !== '') {
    if (state.session === '') notices.push('Ignored the message anchor in the URL: no session is open.');
    else if (MESSAGE_ANCHOR.test(msg)) state.message = msg;
    else notices.push(`Ignored the message anchor "${clip(msg)}": not '<span_id>:<seq>'.`);
  }

  return { state, notices };
}

export function serializeViewState(state: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  const d = defaultViewState();
  if (state.src !== d.src) p.append('src', state.src);
  if (state.search !== '') p.append('q', state.search);
  for (const m of state.models) p.append('models', m);
  if (state.time.kind === 'relative') {
    if (state.time.range !== '24h') p.append('t', state.time.range);
  } else {
    p.append('from', formatIsoUs(state.time.fromUs));
    p.append('to', formatIsoUs(state.time.toUs));
  }
  if (state.sort.key !== d.sort.key || state.sort.dir !== d.sort.dir) {
    p.append('sort', `${SORT_NAMES[state.sort.key]}:${state.sort.dir}`);
  }
  if (state.page !== 1) p.append('page', String(state.page));
  if (state.pageSize !== d.pageSize) p.append('size', String(state.pageSize));
  if (state.session !== '') {
    p.append('session', state.session);
    if (state.message !== '') p.append('msg', state.message);
  }
  return p;
}

export function sortToParam(sort: Sort): string {
  return `${SORT_NAMES[sort.key]}:${sort.dir}`;
}

function parseSort(value: string): Sort | null {
  const [name, dir, ...rest] = value.split(':');
  if (name === undefined || rest.length > 0) return null;
  const key = SORT_BY_NAME.get(name);
  if (!key) return null;
  if (dir === undefined) return { key, dir: 'desc' };
  return dir === 'asc' || dir === 'desc' ? { key, dir } : null;
}

function parseTime(
  t: string | null,
  from: string | null,
  to: string | null,
  notices: string[],
): TimeRange | null {
  if (from !== null || to !== null) {
    const fromUs = from === null ? null : parseIsoUs(from);
    const toStart = to === null ? null : parseIsoUs(to);
    // `to=2026-11-26` reads as "through that day": its first instant would leave
    // `from=2026-11-26&to=2026-11-26` empty.
    const toUs = toStart !== null && to !== null && DATE_ONLY.test(to) ? toStart + DAY_US - 1 : toStart;
    if (fromUs !== null && toUs !== null && fromUs <= toUs) {
      if (t !== null)
        notices.push('Both a relative and an absolute time range were given; using the absolute one.');
      return { kind: 'absolute', fromUs, toUs };
    }
    notices.push(
      'Invalid absolute time range (need ISO from and to, from before to); showing the last 24 hours.',
    );
    return null;
  }
  if (t === null) return null;
  const range = RELATIVE_RANGES.find((r) => r === t);
  if (range) return { kind: 'relative', range };
  notices.push(`Unknown time range "${clip(t)}"; showing the last 24 hours.`);
  return null;
}

function parseIntStrict(s: string): number | null {
  if (!/^\d{1,9}$/.test(s)) return null;
  return Number(s);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}(?:Z|[+-]\d{2}:?\d{2})?$/;
const DAY_US = 86_400_000_000;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO-8601 -> epoch µs, or null. Date.parse is avoided: it is lenient and drops sub-ms digits. */
export function parseIsoUs(s: string): number | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 59
  ) {
    return null;
  }
  const ms = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(sec));
  // Date.UTC rolls invalid days over (Feb 30 -> Mar 2): reject those.
  if (new Date(ms).getUTCDate() !== day) return null;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!z || Number(z[2]) > 23 || Number(z[3]) > 59) return null;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  const us = (ms - offsetMin * 60_000) * 1000 + Number(frac.padEnd(6, '0').slice(0, 6));
  return Number.isSafeInteger(us) && us >= 0 && us < MAX_TIME_US ? us : null;
}

/** epoch µs -> 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z' (fraction only when non-zero), exact to the µs. */
export function formatIsoUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const micro = us - ms * 1000;
  const base = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const frac = `${base.slice(20, 23)}${String(micro).padStart(3, '0')}`.replace(/0+$/, '');
  return `${base.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
