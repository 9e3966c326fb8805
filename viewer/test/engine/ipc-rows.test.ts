import { describe, expect, it } from 'vitest';
import {
  Field,
  Int64,
  List,
  RecordBatch,
  Table,
  TimestampMicrosecond,
  TimestampNanosecond,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { selectIpcRows } from '../../src/lib/engine/ipc-rows.ts';

interface Row {
  session_id: string | null;
  trace_id: string;
  start_time: bigint;
  tokens: bigint | null;
  models: string[] | null;
  content: string | null;
}

/** Raw values: Arrow's builders take timestamps as milliseconds. */
function timestamps(values: bigint[], type: TimestampMicrosecond | TimestampNanosecond) {
  return makeVector(makeData({ type, length: values.length, data: BigInt64Array.from(values) }));
}

/** One record batch per slice of rows, as parquet-wasm emits one per row group. */
function ipc(rows: Row[], slices: number[]): Uint8Array {
  const batches: RecordBatch[] = [];
  let from = 0;
  for (const n of [...slices, rows.length - slices.reduce((a, b) => a + b, 0)]) {
    const part = rows.slice(from, from + n);
    from += n;
    batches.push(
      new Table({
        session_id: vectorFromArray(
          part.map((r) => r.session_id),
          new Utf8(),
        ),
        trace_id: vectorFromArray(
          part.map((r) => r.trace_id),
          new Utf8(),
        ),
        start_time: timestamps(
          part.map((r) => r.start_time),
          new TimestampMicrosecond(),
        ),
        tokens: vectorFromArray(
          part.map((r) => r.tokens),
          new Int64(),
        ),
        models: vectorFromArray(
          part.map((r) => r.models),
          new List(new Field('item', new Utf8(), true)),
        ),
        content: vectorFromArray(
          part.map((r) => r.content),
          new Utf8(),
        ),
      }).batches[0] as RecordBatch,
    );
  }
  return tableToIPC(new Table(batches), 'stream');
}

const T0 = 1_764_000_000_123_456n;
const rows: Row[] = [
  { session_id: 'sess-a', trace_id: 't1', start_time: T0, tokens: 10n, models: ['gpt-4o'], content: 'héllo' },
  { session_id: 'sess-ab', trace_id: 't2', start_time: T0 + 1n, tokens: null, models: null, content: null },
  { session_id: 'sess-b', trace_id: 't3', start_time: T0 + 2n, tokens: 5n, models: [], content: 'x' },
  {
    session_id: 'sess-a',
    trace_id: 't1',
    start_time: T0 + 3n,
    tokens: 2n ** 40n,
    models: ['a', 'b'],
    content: '<b>',
  },
  { session_id: 'séss-ü', trace_id: 't4', start_time: T0 + 4n, tokens: 1n, models: null, content: '日本' },
  { session_id: null, trace_id: 't1', start_time: T0 + 5n, tokens: null, models: null, content: 'orphan' },
  { session_id: null, trace_id: 't9', start_time: T0 + 6n, tokens: 3n, models: ['m'], content: 'other' },
];

describe('selectIpcRows', () => {
  it("keeps a session's rows across record batches, with exact values", () => {
    const out = selectIpcRows(ipc(rows, [2, 2]), { sessionId: 'sess-a', nulls: false, traceId: null });
    expect(out.length).toBe(2);
    expect(out.columns.trace_id).toEqual(['t1', 't1']);
    expect(out.columns.start_time).toEqual([Number(T0), Number(T0 + 3n)]);
    expect(out.columns.tokens).toEqual([10, 2 ** 40]);
    expect(out.columns.models).toEqual([['gpt-4o'], ['a', 'b']]);
    expect(out.columns.content).toEqual(['héllo', '<b>']);
  });

  it('does not take an id for its prefix or extension', () => {
    const out = selectIpcRows(ipc(rows, [3]), { sessionId: 'sess-ab', nulls: false, traceId: null });
    expect(out.columns.session_id).toEqual(['sess-ab']);
    expect(out.columns.tokens).toEqual([null]);
    expect(out.columns.models).toEqual([null]);
  });

  it('compares non-ASCII ids on their UTF-8 bytes', () => {
    const out = selectIpcRows(ipc(rows, []), { sessionId: 'séss-ü', nulls: false, traceId: null });
    expect(out.columns.content).toEqual(['日本']);
  });

  it('adds every id-less row when asked, and only those of one trace for a trace key', () => {
    const all = selectIpcRows(ipc(rows, [5]), { sessionId: 'sess-b', nulls: true, traceId: null });
    expect(all.columns.content).toEqual(['x', 'orphan', 'other']);
    const trace = selectIpcRows(ipc(rows, [1, 1, 1]), { sessionId: null, nulls: true, traceId: 't9' });
    expect(trace.columns.content).toEqual(['other']);
  });

  it('returns an empty batch when nothing matches', () => {
    expect(selectIpcRows(ipc(rows, []), { sessionId: 'none', nulls: false, traceId: null }).length).toBe(0);
  });

  it('converts nanosecond timestamps to whole microseconds', () => {
    const ns = 1_764_000_000_123_456_789n;
    const stream = tableToIPC(
      new Table({
        session_id: vectorFromArray(['s'], new Utf8()),
        start_time: timestamps([ns], new TimestampNanosecond()),
      }),
      'stream',
    );
    const out = selectIpcRows(stream, { sessionId: 's', nulls: false, traceId: null });
    expect(out.columns.start_time).toEqual([Number(ns / 1000n)]);
  });
});
