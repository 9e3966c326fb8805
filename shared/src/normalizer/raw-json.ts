import type { ProblemSink } from './problems.ts';

/** Longest string value kept verbatim in the raw JSON columns; longer ones are cut, with a problem. */
export const RAW_STRING_MAX_CHARS = 256 * 1024;
const MAX_DEPTH = 64;

/**
 * JSON text of decoded OTLP values for the raw columns. Lossless for what OTLP can carry, except:
 * non-finite doubles become the strings "NaN"/"Infinity"/"-Infinity" (JSON has no such numbers),
 * BigInts become decimal strings, and absurdly long strings or deep nesting are cut, each cut
 * recorded as a problem so nothing is lost silently.
 */
export function rawJson(value: unknown, field: string, problems: ProblemSink): string {
  if (isPlain(value, 0)) return JSON.stringify(value) ?? 'null';
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number, path: string): unknown => {
    if (typeof v === 'string') {
      if (v.length <= RAW_STRING_MAX_CHARS) return v;
      problems.add(
        'attribute_truncated',
        `value of ${v.length} characters cut to ${RAW_STRING_MAX_CHARS}`,
        path,
      );
      return v.slice(0, RAW_STRING_MAX_CHARS);
    }
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v !== 'object') return null;
    if (seen.has(v) || depth >= MAX_DEPTH) {
      problems.add('attribute_truncated', 'cyclic or too deeply nested value replaced by null', path);
      return null;
    }
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) {
      out = v.map((item, i) => walk(item, depth + 1, `${path}[${i}]`));
    } else {
      const obj = Object.create(null) as Record<string, unknown>; // a "__proto__" key stays a key
      for (const [k, item] of Object.entries(v)) obj[k] = walk(item, depth + 1, `${path}.${k}`);
      out = obj;
    }
    seen.delete(v);
    return out;
  };
  return JSON.stringify(walk(value, 0, field)) ?? 'null';
}

/** True when JSON.stringify alone is lossless and bounded: the common case, checked without allocating. */
function isPlain(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      return v.length <= RAW_STRING_MAX_CHARS;
    case 'number':
      return Number.isFinite(v);
    case 'boolean':
      return true;
    case 'object': {
      if (v === null) return true;
      // depth also bounds cycles: a cyclic value is never plain
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        for (const item of v) if (!isPlain(item, depth + 1)) return false;
        return true;
      }
      for (const key in v) {
        if (
          Object.prototype.hasOwnProperty.call(v, key) &&
          !isPlain((v as Record<string, unknown>)[key], depth + 1)
        )
          return false;
      }
      return true;
    }
    default:
      return false;
  }
}
