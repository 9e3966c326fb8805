/** Parsing of the gen-synthetic command line: pure, errors as values. */
import { DAY_MS } from './generate.ts';

export type OutputFormat = 'protobuf' | 'json' | 'parquet';

export interface CliOptions {
  spans: number;
  sessions: number;
  seed: number;
  format: OutputFormat;
  out: string;
  batch: number;
  endMs: number | undefined;
  windowMs: number;
}

export const USAGE =
  'usage: scripts/gen-synthetic --spans N --sessions N --seed N --format protobuf|json|parquet --out DIR [--batch 512] [--end ISO] [--window 7d]';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** `7d`, `24h`, `30m`, `90s`, `500ms`, `2w` -> milliseconds. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : null;
}

function positiveInt(name: string, text: string | undefined, fallback?: number): number | string {
  if (text === undefined) return fallback ?? `--${name} is required`;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    return `--${name} must be a positive integer`;
  return Number(text);
}

export function parseCliOptions(
  values: Record<string, string | undefined>,
): { ok: true; options: CliOptions } | { ok: false; error: string } {
  const spans = positiveInt('spans', values['spans']);
  const sessions = positiveInt(
    'sessions',
    values['sessions'],
    typeof spans === 'number' ? Math.max(1, Math.round(spans / 10)) : 1,
  );
  const batch = positiveInt('batch', values['batch'], 512);
  const seedText = values['seed'] ?? '42';
  for (const v of [spans, sessions, batch]) if (typeof v === 'string') return { ok: false, error: v };
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(Number(seedText)))
    return { ok: false, error: '--seed must be a non-negative integer' };
  const format = values['format'] ?? 'protobuf';
  if (format !== 'protobuf' && format !== 'json' && format !== 'parquet')
    return { ok: false, error: '--format must be protobuf, json or parquet' };
  const out = values['out'];
  if (!out) return { ok: false, error: '--out is required' };
  let endMs: number | undefined;
  if (values['end'] !== undefined) {
    endMs = Date.parse(values['end']);
    if (Number.isNaN(endMs))
      return { ok: false, error: '--end must be an ISO date-time, e.g. 2026-11-26T00:00:00Z' };
  }
  const windowMs = parseDuration(values['window'] ?? '7d');
  if (windowMs === null) return { ok: false, error: '--window must look like 7d, 24h, 30m or 90s' };
  return {
    ok: true,
    options: {
      spans: spans as number,
      sessions: sessions as number,
      seed: Number(seedText),
      format,
      out,
      batch: batch as number,
      endMs,
      windowMs,
    },
  };
}
