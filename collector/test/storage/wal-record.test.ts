/**
 * encodeRows builds WAL lines field by field for speed; each line must still be byte for byte
 * what the plain definition gives: the table tag, then `JSON.stringify(row)` without its `{`, with
 * lone surrogates in top-level strings stored as U+FFFD (DuckDB's JSON reader rejects their
 * `\udXXX` escapes). `reference` is that definition, as the WAL wrote it before.
 */
import fc from 'fast-check';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import { createPricer } from '@parley/shared/pricing/index';
import type { MessageRow, SpanRow } from '@parley/shared/rows';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import { describe, expect, it } from 'vitest';
import { encodeRows } from '../../src/storage/wal-record.ts';

function rowJson(row: object): string {
  const json = JSON.stringify(row);
  if (!json.includes('\\ud')) return json;
  const wellFormed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    wellFormed[key] = typeof value === 'string' ? value.toWellFormed() : value;
  }
  return JSON.stringify(wellFormed);
}

function reference(spans: readonly object[], messages: readonly object[], request: number): Buffer {
  const lines: string[] = [];
  for (const row of spans) lines.push(`{"k":"s",${rowJson(row).slice(1)}\n`);
  for (const row of messages) lines.push(`{"k":"m","rq":${request},${rowJson(row).slice(1)}\n`);
  return Buffer.from(lines.join(''), 'utf8');
}

const SPAN_KEYS = Object.keys(
  normalizeBatch(
    {
      spans: [...generateBatches({ spans: 1, sessions: 1, seed: 1, endMs: Date.UTC(2026, 0, 1) })].flat(),
      logs: [],
    },
    { pricer: null },
  ).spans[0] ?? {},
);
const MESSAGE_KEYS: Array<keyof MessageRow> = [
  'session_id',
  'trace_id',
  'span_id',
  'start_time',
  'seq',
  'direction',
  'role',
  'content',
  'parts',
  'tool_call_id',
  'tool_name',
  'finish_reason',
  'model',
  'content_hash',
  'source',
];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', 'é', '✓', '😀', '\ud800', '\udc00'),
    maxLength: 300,
  }),
  fc.constantFrom('', 'gpt-4o', '\u2028', 'x'.repeat(200)),
);
const value = fc.oneof(
  text,
  text,
  fc.double(),
  fc.integer(),
  fc.constantFrom(null, true, false, undefined, -0, Number.NaN, 1793036100094180),
  fc.array(text, { maxLength: 3 }),
);
/** Rows in the normalizer's key order, and rows with keys missing, reordered or added. */
const rowWith = (keys: readonly string[]) =>
  fc
    .oneof(
      fc.tuple(...keys.map(() => value)),
      fc
        .shuffledSubarray([...keys])
        .chain((some) => fc.tuple(...some.map(() => value)).map((vs) => ({ some, vs }))),
    )
    .chain((drawn) =>
      fc.array(fc.tuple(fc.string({ maxLength: 8 }), value), { maxLength: 2 }).map((extra) => {
        const [names, values] = Array.isArray(drawn) ? [keys, drawn] : [drawn.some, drawn.vs];
        const row: Record<string, unknown> = {};
        names.forEach((name, i) => {
          row[name] = values[i];
        });
        for (const [name, v] of extra) row[name] = v;
        return row;
      }),
    );

describe('encodeRows', () => {
  it('writes what JSON.stringify writes for normalized synthetic batches', () => {
    const pricer = createPricer();
    const options = { spans: 1024, sessions: 80, seed: 5, endMs: Date.UTC(2026, 10, 1) };
    for (const spans of generateBatches(options)) {
      const out = normalizeBatch({ spans, logs: [] }, { pricer });
      expect(out.messages.length).toBeGreaterThan(0);
      const encoded = encodeRows(out.spans, out.messages, 7);
      expect(encoded.equals(reference(out.spans, out.messages, 7))).toBe(true);
      expect(encoded.toString('utf8').split('\n')).toHaveLength(out.spans.length + out.messages.length + 1);
    }
  });

  it('writes what JSON.stringify writes for any row, odd values and key orders included', () => {
    fc.assert(
      fc.property(
        fc.array(rowWith(SPAN_KEYS), { maxLength: 4 }),
        fc.array(rowWith(MESSAGE_KEYS), { maxLength: 4 }),
        fc.integer({ min: 0 }),
        (spans, messages, request) => {
          const encoded = encodeRows(
            spans as unknown as SpanRow[],
            messages as unknown as MessageRow[],
            request,
          );
          return encoded.equals(reference(spans, messages, request));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('stores a lone surrogate as U+FFFD, which DuckDB reads', () => {
    const [row] = normalizeBatch(
      {
        spans: [...generateBatches({ spans: 1, sessions: 1, seed: 3, endMs: Date.UTC(2026, 0, 1) })]
          .flat()
          .map((s) => ({ ...s, name: 'chat \ud800 x' })),
        logs: [],
      },
      { pricer: null },
    ).spans;
    const line = encodeRows([row as SpanRow], [], 0).toString('utf8');
    expect(line).toContain('"name":"chat \ufffd x"');
    expect(line).not.toContain('\\ud800');
  });
});
