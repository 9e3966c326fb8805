/** Parquet file of the filtered sessions, written in the worker (hyparquet-writer, Snappy). */
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { SessionListRow } from '@parley/shared/view';

const bigOrNull = (n: number | null): bigint | null => (n === null ? null : BigInt(n));

export function sessionsParquet(rows: readonly SessionListRow[]): Uint8Array {
  const col = <T>(
    name: string,
    type: ColumnSource['type'],
    pick: (r: SessionListRow) => T,
    nullable = true,
  ): ColumnSource => ({
    name,
    type,
    nullable,
    data: rows.map(pick) as ColumnSource['data'],
  });
  const columnData: ColumnSource[] = [
    col('session_key', 'STRING', (r) => r.key, false),
    col('session_id', 'STRING', (r) => r.sessionId),
    col('trace_id', 'STRING', (r) => r.traceId),
    col('first_time', 'TIMESTAMP', (r) => new Date(Math.floor(r.firstUs / 1000)), false),
    col('last_time', 'TIMESTAMP', (r) => new Date(Math.floor(r.lastUs / 1000)), false),
    col('duration_ms', 'DOUBLE', (r) => r.durationMs, false),
    col('spans', 'INT64', (r) => BigInt(r.spans), false),
    col('llm_calls', 'INT64', (r) => BigInt(r.llmCalls), false),
    col('models', 'STRING', (r) => r.models.join(' '), false),
    // null: no call of the session reported the figure.
    col('input_tokens', 'INT64', (r) => bigOrNull(r.inputTokens)),
    col('output_tokens', 'INT64', (r) => bigOrNull(r.outputTokens)),
    col('cached_input_tokens', 'INT64', (r) => bigOrNull(r.cachedInputTokens)),
    col('total_cost_usd', 'DOUBLE', (r) => r.totalCostUsd),
    col('unpriced_calls', 'INT64', (r) => BigInt(r.unpricedCalls), false),
    col('errors', 'INT64', (r) => BigInt(r.errors), false),
  ];
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}
