import type { AnyValue, Attributes } from '../otlp.ts';
import type { ProblemSink } from './problems.ts';

/** Largest token count accepted for one call; anything above is a broken exporter, not usage. */
export const MAX_TOKENS = 10_000_000_000;
/** Largest cost in USD accepted for one call. */
export const MAX_COST_USD = 1_000_000;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Attributes as a plain record whatever the input was (untrusted decoders, hand-built spans). */
export function asAttributes(v: unknown): Attributes {
  return isRecord(v) ? (v as Attributes) : {};
}

/** A non-empty string (numbers and booleans are stringified: ids are sometimes sent as ints). */
export function str(attrs: Attributes, key: string): string | null {
  const v = attrs[key];
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return null;
}

/** First non-empty string among keys, with the key it came from. */
export function firstStr(attrs: Attributes, keys: readonly string[]): { value: string; key: string } | null {
  for (const key of keys) {
    const value = str(attrs, key);
    if (value !== null) return { value, key };
  }
  return null;
}

/**
 * A token count from an attribute value. Integral numbers pass; decimal-integer strings are read
 * (some exporters send int64 as strings) with a problem; anything else -- negative, fractional,
 * NaN, absurdly large, non-numeric -- is NULL with a problem, never a guessed number.
 */
export function tokenCount(value: unknown, field: string, problems: ProblemSink): number | null {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) {
    n = Number(value);
    problems.add('wrong_type', 'token count sent as a string; read as a number', field);
  } else {
    problems.add('wrong_type', `token count is not a number: ${preview(value)}`, field);
    return null;
  }
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) {
    problems.add(
      'invalid_token_count',
      `token count is not a non-negative integer: ${preview(value)}`,
      field,
    );
    return null;
  }
  if (n > MAX_TOKENS) {
    problems.add('absurd_token_count', `token count ${n} exceeds ${MAX_TOKENS}`, field);
    return null;
  }
  return n;
}

/** A USD amount: finite, non-negative, below MAX_COST_USD; otherwise NULL with a problem. */
export function usdAmount(value: unknown, field: string, problems: ProblemSink): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_COST_USD) {
    problems.add('invalid_cost', `reported cost is not a plausible USD amount: ${preview(value)}`, field);
    return null;
  }
  return n;
}

/**
 * A value that may arrive as a JSON string or already structured (kvlist/array AnyValue).
 * Returns undefined when absent; records a problem when the string is not JSON.
 */
export function structured(attrs: Attributes, key: string, problems: ProblemSink): AnyValue | undefined {
  const v = attrs[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return v;
  return parseJson(v, key, problems);
}

/** Like `structured`, but a string that does not look like JSON is plain text (a bare system prompt). */
export function structuredOrText(
  attrs: Attributes,
  key: string,
  problems: ProblemSink,
): AnyValue | undefined {
  const v = attrs[key];
  if (typeof v === 'string' && !/^\s*[[{"]/.test(v)) return v === '' ? undefined : v;
  return structured(attrs, key, problems);
}

export function parseJson(text: string, field: string, problems: ProblemSink): AnyValue | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed) as AnyValue;
  } catch (e) {
    problems.add('invalid_json', `not valid JSON (${(e as Error).message.slice(0, 120)})`, field);
    return undefined;
  }
}

/** JSON.parse only when the text clearly is JSON of the wanted shape; otherwise undefined, no problem. */
export function tryJson(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

export function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : String(typeof v === 'object' ? JSON.stringify(v) : v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
