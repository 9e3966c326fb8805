/**
 * sessionRowsFast against the SQL it stands in for: random span and message rows loaded into a
 * real DuckDB (@duckdb/node-api), then sessionCalls / sessionMessages with `inherit: false` for
 * random keys (session ids and trace keys). Few distinct ids and times, so that rows share calls, tie on times and span ids,
 * and messages miss their spans.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DuckDBValue } from '@duckdb/node-api';
import { nativeDuck } from './native-duck.ts';
import { MESSAGES_COLUMNS, SPANS_COLUMNS, createTableSql, type Column } from '../src/schema.ts';
import { sessionRowsFast, type RowColumns } from '../src/session-fast.ts';
import { mapCalls, mapMessages, mapSpanExtent } from '../src/sql/rows.ts';
import { sessionCalls, sessionEmbeddings, sessionMessages, sessionSpanExtent } from '../src/sql/session.ts';

const T0 = 1_764_000_000_000_000;
const SESSIONS = ['S', 's', 'é', 'other'];
const TRACES = ['t1', 'T2'];
const SPANS = ['a', 'B', 'b', 'ä'];

type Row = Record<string, unknown>;

const spanArb: fc.Arbitrary<Row> = fc
  .record({
    session_id: fc.option(fc.constantFrom(...SESSIONS), { nil: null, freq: 5 }),
    trace_id: fc.constantFrom(...TRACES),
    span_id: fc.constantFrom(...SPANS),
    start: fc.integer({ min: 0, max: 4 }),
    is_llm_call: fc.boolean(),
    // Embedding requests, some wrapping another (parents among the same few span ids).
    operation: fc.constantFrom('chat', 'embeddings', 'embeddings', null),
    parent_span_id: fc.option(fc.constantFrom(...SPANS), { nil: null }),
    model: fc.option(fc.constantFrom('gpt-4o', 'claude'), { nil: null }),
    input_tokens: fc.option(fc.nat(1000), { nil: null }),
    output_tokens: fc.option(fc.nat(500), { nil: null }),
    total_cost_usd: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    status_code: fc.constantFrom('UNSET', 'OK', 'ERROR'),
    // What a call's details show (CallSummary's fields past the table's).
    request_model: fc.option(fc.constantFrom('gpt-4o', 'gpt-4o-latest'), { nil: null }),
    response_model: fc.option(fc.constantFrom('gpt-4o-2024-08-06', 'claude'), { nil: null }),
    finish_reasons: fc.option(fc.array(fc.constantFrom('stop', 'length', 'tool_calls'), { maxLength: 2 }), {
      nil: null,
    }),
    cache_creation_input_tokens: fc.option(fc.nat(300), { nil: null }),
    price_version: fc.option(fc.constantFrom('genai-prices@0.1.8', 'genai-prices@0.2.0+overrides'), {
      nil: null,
    }),
    service_name: fc.option(fc.constantFrom('api', 'worker'), { nil: null }),
    name: fc.constantFrom('chat gpt-4o', 'embeddings', 'ai.generateText'),
    user_id: fc.option(fc.constantFrom('u1', 'ü2'), { nil: null }),
  })
  .map(({ start, ...r }) => ({
    ...r,
    start_time: T0 + start * 1_000_000,
    end_time: T0 + start * 1_000_000 + start * 10_500,
    duration_ms: start * 10.5,
  }));

const messageArb: fc.Arbitrary<Row> = fc
  .record({
    session_id: fc.option(fc.constantFrom(...SESSIONS), { nil: null, freq: 4 }),
    trace_id: fc.constantFrom(...TRACES),
    span_id: fc.constantFrom(...SPANS),
    seq: fc.nat(3),
    direction: fc.constantFrom('input', 'output'),
    role: fc.constantFrom('user', 'assistant', 'tool'),
    content: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
    start: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ start, ...r }) => ({
    ...r,
    start_time: T0 + start * 1_000_000,
    content_hash: 'h',
    source: 'span',
  }));

const native = nativeDuck();

/** A value for a column the generators leave out: NULL, or a filler for NOT NULL ones. */
function filler(c: Column): DuckDBValue {
  if (c.nullable) return null;
  if (c.type === 'BOOLEAN') return false;
  if (c.type === 'DOUBLE') return 0;
  if (c.type === 'TIMESTAMP') return T0;
  return c.name === 'attributes' || c.name === 'resource_attributes'
    ? '{}'
    : c.name === 'events'
      ? '[]'
      : 'x';
}

/** A generated value as bound: a list as JSON text (the binder cannot type an empty array). */
function bindable(c: Column, v: unknown): DuckDBValue {
  return c.type === 'VARCHAR[]' && v !== null ? JSON.stringify(v) : (v as DuckDBValue);
}

async function load(
  table: 'spans' | 'messages',
  columns: readonly Column[],
  rows: readonly Row[],
): Promise<void> {
  await native().run(`DROP TABLE IF EXISTS ${table}`);
  await native().run(createTableSql(table));
  if (rows.length === 0) return;
  const tuple = `(${columns
    .map((c) =>
      c.type === 'TIMESTAMP'
        ? 'make_timestamp(CAST(? AS BIGINT))'
        : c.type === 'VARCHAR[]'
          ? 'CAST(CAST(? AS JSON) AS VARCHAR[])'
          : `CAST(? AS ${c.type})`,
    )
    .join(', ')})`;
  await native().run(
    `INSERT INTO ${table} VALUES ${rows.map(() => tuple).join(', ')}`,
    rows.flatMap((r) => columns.map((c) => (c.name in r ? bindable(c, r[c.name]) : filler(c)))),
  );
}

/** Rows as the viewer's loader holds them: columns by name, times as µs numbers. */
function columnsOf(rows: readonly Row[], columns: readonly Column[]): RowColumns {
  const out: Record<string, unknown[]> = {};
  for (const c of columns) out[c.name] = rows.map((r) => (c.name in r ? r[c.name] : filler(c)));
  return { length: rows.length, columns: out };
}

async function sqlRows(key: string) {
  const calls = sessionCalls(key, { inherit: false });
  const messages = sessionMessages(key, { inherit: false });
  const extent = sessionSpanExtent(key, { inherit: false });
  const embeddings = sessionEmbeddings(key, { inherit: false });
  return {
    calls: mapCalls((await native().runAndReadAll(calls.sql, calls.params)).getRowObjectsJS()),
    messages: mapMessages((await native().runAndReadAll(messages.sql, messages.params)).getRowObjectsJS()),
    extent: mapSpanExtent((await native().runAndReadAll(extent.sql, extent.params)).getRowObjectsJS()),
    embeddings: mapCalls((await native().runAndReadAll(embeddings.sql, embeddings.params)).getRowObjectsJS()),
  };
}

describe('sessionRowsFast', () => {
  it('gives the calls and messages the SQL gives, or declines', async () => {
    let compared = 0;
    let declined = 0;
    let withEmbeddings = 0;
    let withDetails = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(spanArb, { maxLength: 12 }),
        fc.array(messageArb, { maxLength: 20 }),
        fc.constantFrom(...SESSIONS, ...TRACES.map((t) => `trace:${t}`)),
        async (spans, messages, sid) => {
          await load('spans', SPANS_COLUMNS, spans);
          await load('messages', MESSAGES_COLUMNS, messages);
          const fast = sessionRowsFast(
            sid,
            columnsOf(spans, SPANS_COLUMNS),
            columnsOf(messages, MESSAGES_COLUMNS),
          );
          if (fast === null) {
            declined++;
            return;
          }
          compared++;
          if (fast.embeddings.length > 0) withEmbeddings++;
          const fastCalls = mapCalls(fast.calls);
          if (fastCalls.some((c) => c.requestModel && c.finishReasons?.length && c.userId)) withDetails++;
          expect({
            calls: fastCalls,
            messages: mapMessages(fast.messages),
            extent: mapSpanExtent(fast.extent),
            embeddings: mapCalls(fast.embeddings),
          }).toEqual(await sqlRows(sid));
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes happen often enough for the comparison to mean something. The runs are not
    // seeded: each bound is far under what 300 runs give (calls with details: 15–32 in six runs).
    expect(compared).toBeGreaterThan(100);
    expect(declined).toBeGreaterThan(10);
    expect(withEmbeddings).toBeGreaterThan(5);
    expect(withDetails).toBeGreaterThan(3);
  });

  it('answers a session whose every message has its call, in the SQL order, and a trace key', () => {
    const T = 'ab'.repeat(16);
    const spans = columnsOf(
      [
        { session_id: 'S', trace_id: T, span_id: 'b', start_time: T0 + 5, is_llm_call: true, model: 'm2' },
        { session_id: 'S', trace_id: T, span_id: 'a', start_time: T0 + 5, is_llm_call: true, model: 'm1' },
        { session_id: 'S', trace_id: T, span_id: 'r', start_time: T0, is_llm_call: false },
      ],
      SPANS_COLUMNS,
    );
    const messages = columnsOf(
      [
        { session_id: 'S', trace_id: T, span_id: 'b', seq: 0, direction: 'output', role: 'assistant' },
        { session_id: null, trace_id: T, span_id: 'a', seq: 1, direction: 'input', role: 'user' },
        { session_id: 'S', trace_id: T, span_id: 'a', seq: 0, direction: 'output', role: 'assistant' },
        { session_id: 'S', trace_id: T, span_id: 'a', seq: 0, direction: 'input', role: 'system' },
        { session_id: 'S', trace_id: T, span_id: 'r', seq: 0, direction: 'input', role: 'user' },
      ],
      MESSAGES_COLUMNS,
    );
    const fast = sessionRowsFast('S', spans, messages);
    expect(fast?.calls.map((c) => c.span_id)).toEqual(['a', 'b']);
    // The id-less message joins its call; the one of a span that is no call is not kept.
    expect(fast?.messages.map((m) => [m.span_id, m.role])).toEqual([
      ['a', 'system'],
      ['a', 'user'],
      ['a', 'assistant'],
      ['b', 'assistant'],
    ]);
    // A trace key takes every call of the trace, whatever its session id.
    expect(sessionRowsFast(`trace:${T}`, spans, messages)?.calls.map((c) => c.span_id)).toEqual(['a', 'b']);
  });

  it('orders a long session re-sending its history, its rows shuffled across calls and files', () => {
    const calls = 40;
    const spans = columnsOf(
      Array.from({ length: calls }, (_, c) => ({
        session_id: 'S',
        trace_id: 't',
        span_id: `c${String(c).padStart(2, '0')}`,
        // Two calls per start time: the span id orders them.
        start_time: T0 + Math.floor(c / 2),
        is_llm_call: true,
      })),
      SPANS_COLUMNS,
    );
    const rows: Row[] = [];
    for (let c = 0; c < calls; c++) {
      const span_id = `c${String(c).padStart(2, '0')}`;
      for (let seq = 0; seq <= 2 * c; seq++)
        rows.push({ session_id: 'S', trace_id: 't', span_id, seq, direction: 'input', role: 'user' });
      rows.push({ session_id: 'S', trace_id: 't', span_id, seq: 0, direction: 'output', role: 'assistant' });
    }
    const shuffled = fc.sample(fc.shuffledSubarray(rows, { minLength: rows.length }), {
      seed: 7,
      numRuns: 1,
    })[0];
    const fast = sessionRowsFast('S', spans, columnsOf(shuffled as Row[], MESSAGES_COLUMNS));
    expect(fast?.messages.map((m) => [m.span_id, m.direction, m.seq])).toEqual(
      rows.map((m) => [m.span_id, m.direction, m.seq]),
    );
  });

  it('declines two messages of one call that tie on direction and seq', () => {
    const spans = columnsOf(
      [{ session_id: 'S', trace_id: 't', span_id: 'a', start_time: T0, is_llm_call: true }],
      SPANS_COLUMNS,
    );
    const tied = columnsOf(
      [
        { session_id: 'S', trace_id: 't', span_id: 'a', seq: 1, direction: 'input', role: 'user' },
        { session_id: 'S', trace_id: 't', span_id: 'a', seq: 0, direction: 'input', role: 'system' },
        { session_id: 'S', trace_id: 't', span_id: 'a', seq: 1, direction: 'input', role: 'tool' },
      ],
      MESSAGES_COLUMNS,
    );
    expect(sessionRowsFast('S', spans, tied)).toBeNull();
  });

  it('declines messages whose span is not stored', () => {
    const spans = columnsOf(
      [{ session_id: 'S', trace_id: 't', span_id: 'a', start_time: T0, is_llm_call: true }],
      SPANS_COLUMNS,
    );
    const early = columnsOf(
      [{ session_id: 'S', trace_id: 't', span_id: 'later', seq: 0, direction: 'input', role: 'user' }],
      MESSAGES_COLUMNS,
    );
    expect(sessionRowsFast('S', spans, early)).toBeNull();
    expect(sessionRowsFast('S', spans, columnsOf([], MESSAGES_COLUMNS))?.calls).toHaveLength(1);
  });
});
