/**
 * encodeLines writes row lines into a reused buffer for speed; each line must still be byte for
 * byte what the plain definition gives: the table tag, then `JSON.stringify(row)` without its `{`,
 * with lone surrogates in strings (top-level, or items of list columns) stored as U+FFFD (DuckDB's
 * JSON reader rejects their `\udXXX` escapes). `reference` is that definition.
 */
import fc from 'fast-check';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import { createPricer } from '@parley/shared/pricing/index';
import type { MessageRow } from '@parley/shared/rows';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import { describe, expect, it } from 'vitest';
import { encodeLines } from '../../src/storage/line-encoding.ts';

function rowJson(row: object): string {
  return JSON.stringify(row, (_key, value: unknown) =>
    typeof value === 'string' ? value.toWellFormed() : value,
  );
}

function referenceLines(table: 'spans' | 'messages', rows: readonly object[]): string[] {
  const tag = table === 'spans' ? '{"k":"s",' : '{"k":"m",';
  return rows.map((row) => `${tag}${rowJson(row).slice(1)}`);
}

/** The encoding, checked against the definition; the longest line and line ends are reported in bytes. */
function matchesReference(table: 'spans' | 'messages', rows: readonly object[]): boolean {
  const lines = referenceLines(table, rows);
  const encoded = encodeLines(table, rows);
  const longest = Math.max(0, ...lines.map((l) => Buffer.byteLength(l)));
  let at = -1;
  const ends = lines.map((l) => (at += Buffer.byteLength(l) + 1));
  return (
    encoded.data.equals(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8')) &&
    encoded.longestLine === longest &&
    encoded.ends.length === ends.length &&
    encoded.ends.every((end, i) => end === ends[i])
  );
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

describe('encodeLines', () => {
  it('writes what JSON.stringify writes for normalized synthetic batches', () => {
    const pricer = createPricer();
    const options = { spans: 1024, sessions: 80, seed: 5, endMs: Date.UTC(2026, 10, 1) };
    for (const spans of generateBatches(options)) {
      const out = normalizeBatch({ spans, logs: [] }, { pricer });
      expect(out.messages.length).toBeGreaterThan(0);
      expect(matchesReference('spans', out.spans)).toBe(true);
      const queued = out.messages.map((m, i) => ({ ...m, rq: 7 + i, carried_since: i % 2 ? 5 : null }));
      expect(matchesReference('messages', queued)).toBe(true);
      const lines = encodeLines('messages', queued).data.toString('utf8').split('\n');
      expect(lines).toHaveLength(out.messages.length + 1);
      expect(JSON.parse(lines[1] ?? '')).toMatchObject({ k: 'm', rq: 8, carried_since: 5 });
    }
  });

  it('writes what JSON.stringify writes for any row, odd values and key orders included', () => {
    fc.assert(
      fc.property(
        fc.array(rowWith(SPAN_KEYS), { maxLength: 4 }),
        fc.array(rowWith(MESSAGE_KEYS), { maxLength: 4 }),
        (spans, messages) => matchesReference('spans', spans) && matchesReference('messages', messages),
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
    const line = encodeLines('spans', [row as object]).data.toString('utf8');
    expect(line).toContain('"name":"chat \ufffd x"');
    expect(line).not.toContain('\\ud800');
  });
});
