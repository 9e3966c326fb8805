/**
 * A session's rows out of the Arrow IPC of the row groups that may hold it, as the plain column
 * batches parquet-read.ts produces, so the few rows kept go to DuckDB as one small insert.
 */
import { DataType, TimeUnit, tableFromIPC, type Vector } from 'apache-arrow';
import type { ColumnBatch } from './parquet-read.ts';

function microseconds(raw: bigint, unit: TimeUnit): number {
  switch (unit) {
    case TimeUnit.SECOND:
      return Number(raw) * 1e6;
    case TimeUnit.MILLISECOND:
      return Number(raw) * 1e3;
    case TimeUnit.MICROSECOND:
      return Number(raw);
    case TimeUnit.NANOSECOND:
      return Number(raw / 1000n);
  }
}

/**
 * A value as the column batches of parquet-read.ts hold it: timestamps as µs numbers (Arrow's own
 * getter gives fractional ms), 64-bit integers as numbers, lists as arrays.
 */
function plainValue(vector: Vector, i: number): unknown {
  if (!vector.isValid(i)) return null;
  const type = vector.type as DataType;
  if (DataType.isTimestamp(type)) {
    const data = vector.data[0];
    const raw = data ? (data.values as BigInt64Array)[data.offset + i] : undefined;
    return raw === undefined ? null : microseconds(raw, type.unit as TimeUnit);
  }
  const v: unknown = vector.get(i);
  if (typeof v === 'bigint') return Number(v);
  if (DataType.isList(type)) return Array.from(v as Iterable<unknown>);
  return v;
}

/** Which rows of a session's row groups to keep: its own, and id-less ones (of one trace, or any). */
export interface CandidateRows {
  sessionId: string | null;
  nulls: boolean;
  traceId: string | null;
}

const utf8 = new TextEncoder();

/**
 * Tests a string column's rows against one value on the encoded bytes: decoding every id of a few
 * thousand rows to compare them cost more than the wasm decode of the row groups.
 */
function equalsAt(vector: Vector | null, value: Uint8Array): (i: number) => boolean {
  const data = vector?.data[0];
  if (!vector || !data || vector.data.length !== 1 || !DataType.isUtf8(vector.type)) {
    const text = new TextDecoder().decode(value);
    return (i) => vector?.get(i) === text;
  }
  const offsets = data.valueOffsets;
  const bytes = data.values as Uint8Array;
  return (i) => {
    if (!vector.isValid(i)) return false;
    const from = offsets[data.offset + i] as number;
    if ((offsets[data.offset + i + 1] as number) - from !== value.length) return false;
    for (let j = 0; j < value.length; j++) if (bytes[from + j] !== value[j]) return false;
    return true;
  };
}

/**
 * The candidate rows of an Arrow IPC stream as plain columns: a session's few rows leave the row
 * groups they were decoded with before anything crosses to DuckDB's worker.
 */
export function selectIpcRows(stream: Uint8Array, want: CandidateRows): ColumnBatch {
  const sid = want.sessionId === null ? null : utf8.encode(want.sessionId);
  const tid = want.traceId === null ? null : utf8.encode(want.traceId);
  const columns: Record<string, unknown[]> = {};
  let length = 0;
  for (const batch of tableFromIPC(stream).batches) {
    const session = batch.getChild('session_id');
    const isSession = sid ? equalsAt(session, sid) : () => false;
    const isTrace = tid ? equalsAt(batch.getChild('trace_id'), tid) : () => true;
    const rows: number[] = [];
    for (let i = 0; i < batch.numRows; i++) {
      const valid = session?.isValid(i) ?? false;
      if (valid ? isSession(i) : want.nulls && isTrace(i)) rows.push(i);
    }
    if (rows.length === 0) continue;
    for (const field of batch.schema.fields) {
      const vector = batch.getChild(field.name);
      if (!vector) continue;
      const out = (columns[field.name] ??= new Array<unknown>(length).fill(null));
      for (const i of rows) out.push(plainValue(vector, i));
    }
    length += rows.length;
    for (const out of Object.values(columns)) while (out.length < length) out.push(null);
  }
  return { length, columns };
}
