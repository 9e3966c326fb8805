/** OTLP/JSON scalars and AnyValue, with the quirks real exporters produce. */
import type { AnyValue, Attributes, Problem } from '../otlp.ts';
import { base64ToBytes, bytesToHex } from './bytes.ts';
import { setAttribute } from './wire.ts';

const MAX_DEPTH = 64;
const MAX_PROBLEMS = 100;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A body-level shape error: the whole request is malformed. */
export class JsonShapeError extends Error {}
/** An item-level error: this span or log record is rejected, the rest of the request is kept. */
export class ItemRejected extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export interface JsonContext {
  path: string[];
  problems: Problem[];
}

export function note(ctx: JsonContext, problem: Problem): void {
  if (ctx.problems.length < MAX_PROBLEMS) ctx.problems.push(problem);
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field by its lowerCamelCase name, or the snake_case name some exporters send. */
export function get(o: JsonObject, camel: string, snake: string): Json | undefined {
  const v = Object.hasOwn(o, camel) ? o[camel] : undefined;
  if (v !== undefined) return v;
  return Object.hasOwn(o, snake) ? o[snake] : undefined;
}

export function list(ctx: JsonContext, o: JsonObject, camel: string, snake: string): Json[] {
  const v = get(o, camel, snake);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new JsonShapeError(`${camel} is not an array at ${ctx.path.join('.') || 'top level'}`);
  return v;
}

export function object(ctx: JsonContext, v: Json | undefined, what: string): JsonObject {
  if (!isObject(v))
    throw new JsonShapeError(`${what} is not an object at ${ctx.path.join('.') || 'top level'}`);
  return v;
}

export function itemString(o: JsonObject, camel: string, snake: string): string {
  const v = get(o, camel, snake);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ItemRejected(camel, `${camel} is not a string`);
  return v;
}

const DIGITS = /^-?\d+$/;

/** *UnixNano as a decimal string or a number -> microseconds. */
export function itemTimeUs(o: JsonObject, camel: string, snake: string): number {
  const v = get(o, camel, snake);
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v / 1000);
  if (typeof v === 'string' && /^\d+$/.test(v)) return v.length > 3 ? Number(v.slice(0, -3)) : 0;
  throw new ItemRejected(camel, `${camel} is not a non-negative integer`);
}

/** An enum as its integer or its proto name (e.g. SPAN_KIND_SERVER), within [0, max]. */
export function itemEnum(
  ctx: JsonContext,
  o: JsonObject,
  camel: string,
  snake: string,
  names: Record<string, number>,
  max: number,
): number {
  const v = get(o, camel, snake);
  if (v === undefined || v === null) return 0;
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string')
    n = Object.hasOwn(names, v) ? names[v] : DIGITS.test(v) ? Number(v) : undefined;
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > max) {
    note(ctx, {
      code: 'invalid_enum',
      field: camel,
      message: `${ctx.path.join('.')}: unknown ${camel} ${JSON.stringify(v)}`,
    });
    return 0;
  }
  return n;
}

const HEX_ID = /^[0-9a-fA-F]+$/;
const ZERO_ID = /^0+$/;

/**
 * An id as hex (the OTLP/JSON rule); base64 ids, which some exporters wrongly send, are accepted
 * with a problem. '' when absent or all zeros; null when present but not an id of `size` bytes.
 */
export function itemId(
  ctx: JsonContext,
  o: JsonObject,
  camel: string,
  snake: string,
  size: number,
): string | null {
  const v = get(o, camel, snake);
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') return null;
  // All zeros is OTel's invalid id: absent (see readId).
  if (v.length === size * 2 && HEX_ID.test(v)) return ZERO_ID.test(v) ? '' : v.toLowerCase();
  const bytes = base64ToBytes(v);
  if (bytes && bytes.length === size) {
    if (bytes.every((b) => b === 0)) return '';
    note(ctx, {
      code: 'base64_id',
      field: camel,
      message: `${ctx.path.join('.')}: ${camel} was base64, not hex`,
    });
    return bytesToHex(bytes, 0, size);
  }
  return null;
}

function jsonInt(ctx: JsonContext, v: Json, field: string): AnyValue {
  if (typeof v === 'number' && Number.isInteger(v)) {
    return Number.isSafeInteger(v) ? v : BigInt.asIntN(64, BigInt(v)).toString();
  }
  if (typeof v === 'string' && DIGITS.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    return BigInt.asIntN(64, BigInt(v)).toString();
  }
  note(ctx, {
    code: 'invalid_value',
    field,
    message: `${ctx.path.join('.')}: intValue ${JSON.stringify(v)} of ${field} is not an integer`,
  });
  return null;
}

function jsonDouble(ctx: JsonContext, v: Json, field: string): AnyValue {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  note(ctx, {
    code: 'invalid_value',
    field,
    message: `${ctx.path.join('.')}: doubleValue ${JSON.stringify(v)} of ${field} is not a number`,
  });
  return null;
}

export function anyValue(ctx: JsonContext, v: Json | undefined, field: string, depth = 0): AnyValue {
  if (!isObject(v)) return null;
  if (depth > MAX_DEPTH) throw new JsonShapeError(`AnyValue nested deeper than ${MAX_DEPTH} in ${field}`);
  for (const key in v) {
    const x = v[key]!;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        if (typeof x === 'string') return x;
        break;
      case 'boolValue':
      case 'bool_value':
        if (typeof x === 'boolean') return x;
        break;
      case 'intValue':
      case 'int_value':
        return jsonInt(ctx, x, field);
      case 'doubleValue':
      case 'double_value':
        return jsonDouble(ctx, x, field);
      case 'bytesValue':
      case 'bytes_value':
        if (typeof x === 'string') return x;
        break;
      case 'arrayValue':
      case 'array_value': {
        const values = isObject(x) ? x['values'] : undefined;
        return Array.isArray(values) ? values.map((item) => anyValue(ctx, item, field, depth + 1)) : [];
      }
      case 'kvlistValue':
      case 'kvlist_value': {
        const values = isObject(x) ? x['values'] : undefined;
        const out: Attributes = {};
        if (Array.isArray(values)) keyValues(ctx, values, out, field, depth + 1);
        return out;
      }
      default:
        continue;
    }
    note(ctx, {
      code: 'invalid_value',
      field,
      message: `${ctx.path.join('.')}: ${key} of ${field} has the wrong JSON type`,
    });
    return null;
  }
  return null;
}

export function keyValues(
  ctx: JsonContext,
  values: Json[],
  target: Attributes,
  field: string,
  depth = 0,
): void {
  for (const kv of values) {
    if (!isObject(kv) || typeof kv['key'] !== 'string') {
      note(ctx, {
        code: 'invalid_value',
        field,
        message: `${ctx.path.join('.')}: ${field} entry without a string key skipped`,
      });
      continue;
    }
    setAttribute(target, kv['key'], anyValue(ctx, kv['value'], kv['key'], depth));
  }
}

export function attributes(ctx: JsonContext, o: JsonObject, field: string): Attributes {
  const out: Attributes = {};
  const v = get(o, 'attributes', 'attributes');
  if (Array.isArray(v)) keyValues(ctx, v, out, field);
  else if (v !== undefined && v !== null) throw new ItemRejected(field, `${field} is not an array`);
  return out;
}
