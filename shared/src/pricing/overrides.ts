import { fnv1a64 } from '../normalizer/hash.ts';
import type { PriceOverride, PriceOverrides } from './types.ts';

/**
 * The price-override file (JSON):
 *
 *   { "prices": [
 *       { "provider": "openai", "model": "gpt-4o*", "input": 2.5, "cachedInput": 1.25,
 *         "output": 10, "validFrom": "2025-01-01" } ] }
 *
 * Prices are USD per million tokens. `provider` is optional (matches any provider when absent).
 * `model` is an exact id or a glob with `*`. For a call, the rules whose provider and model match
 * and whose validFrom is not after the call are candidates; the latest validFrom wins, then the
 * rule written last in the file.
 */
export function parsePriceOverrides(
  json: unknown,
): { ok: true; value: PriceOverrides } | { ok: false; error: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, error: 'expected an object with a "prices" array' };
  const prices = (json as Record<string, unknown>).prices;
  if (!Array.isArray(prices)) return { ok: false, error: 'expected "prices" to be an array' };
  const out: PriceOverride[] = [];
  for (let i = 0; i < prices.length; i++) {
    const r = parseRule(prices[i]);
    if (typeof r === 'string') return { ok: false, error: `prices[${i}]: ${r}` };
    out.push(r);
  }
  return { ok: true, value: { prices: out } };
}

const PRICE_FIELDS = ['input', 'cachedInput', 'cacheWrite', 'output'] as const;
const KNOWN_FIELDS = new Set(['provider', 'model', 'validFrom', ...PRICE_FIELDS]);

function parseRule(raw: unknown): PriceOverride | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected an object';
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!KNOWN_FIELDS.has(key)) return `unknown field "${key}"`;
  if (typeof r.model !== 'string' || r.model.trim() === '') return '"model" must be a non-empty string';
  if (r.provider !== undefined && (typeof r.provider !== 'string' || r.provider === ''))
    return '"provider" must be a non-empty string';
  for (const f of PRICE_FIELDS) {
    const v = r[f];
    const required = f === 'input' || f === 'output';
    if (v === undefined && !required) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      return `"${f}" must be a non-negative number (USD per million tokens)`;
  }
  const rule: PriceOverride = { model: r.model, input: r.input as number, output: r.output as number };
  if (typeof r.provider === 'string') rule.provider = r.provider;
  if (typeof r.cachedInput === 'number') rule.cachedInput = r.cachedInput;
  if (typeof r.cacheWrite === 'number') rule.cacheWrite = r.cacheWrite;
  if (r.validFrom !== undefined) {
    if (
      typeof r.validFrom !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}$/.test(r.validFrom) ||
      Number.isNaN(Date.parse(`${r.validFrom}T00:00:00Z`))
    ) {
      return '"validFrom" must be a date YYYY-MM-DD';
    }
    rule.validFrom = r.validFrom;
  }
  return rule;
}

/** Short stable hash of the rules, recorded in price_version. */
export function overridesHash(overrides: PriceOverrides): string {
  return fnv1a64(JSON.stringify(overrides.prices)).slice(0, 12);
}

function globMatches(glob: string, value: string): boolean {
  const g = glob.toLowerCase();
  const v = value.toLowerCase();
  const pieces = g.split('*');
  if (pieces.length === 1) return g === v;
  const head = pieces[0] as string;
  const tail = pieces[pieces.length - 1] as string;
  if (!v.startsWith(head) || !v.endsWith(tail) || v.length < head.length + tail.length) return false;
  let pos = head.length;
  const end = v.length - tail.length;
  for (const mid of pieces.slice(1, -1)) {
    const at = v.indexOf(mid, pos);
    if (at === -1 || at + mid.length > end) return false;
    pos = at + mid.length;
  }
  return true;
}

export function findOverride(
  overrides: PriceOverrides,
  provider: string | null,
  models: readonly string[],
  timeUs: number,
  normalizeProvider: (p: string) => string,
): PriceOverride | null {
  const callDay = new Date(timeUs / 1000).toISOString().slice(0, 10);
  let best: PriceOverride | null = null;
  for (const rule of overrides.prices) {
    if (rule.provider !== undefined && (provider === null || normalizeProvider(rule.provider) !== provider))
      continue;
    if (!models.some((m) => globMatches(rule.model, m))) continue;
    if (rule.validFrom !== undefined && rule.validFrom > callDay) continue;
    if (best === null || (rule.validFrom ?? '') >= (best.validFrom ?? '')) best = rule;
  }
  return best;
}
