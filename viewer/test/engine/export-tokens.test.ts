/** The sessions exports keep "no call reported it" (null tokens) apart from a reported 0. */
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { SessionListRow } from '@parley/shared/view';
import { sessionsCsv } from '../../src/lib/engine/csv.ts';
import { sessionsParquet } from '../../src/lib/engine/export-parquet.ts';

const row: SessionListRow = {
  key: 's-none',
  sessionId: 's-none',
  traceId: null,
  firstUs: Date.UTC(2026, 10, 26, 5, 0, 0) * 1000,
  lastUs: Date.UTC(2026, 10, 26, 5, 1, 0) * 1000,
  durationMs: 60_000,
  spans: 2,
  llmCalls: 2,
  models: ['gpt-4o'],
  inputTokens: null,
  outputTokens: null,
  cachedInputTokens: 0,
  totalCostUsd: null,
  unpricedCalls: 2,
  errors: 2,
};

describe('sessions exports of tokens no call reported', () => {
  it('leaves the CSV field empty (not 0), a reported 0 written as 0', () => {
    expect(sessionsCsv([row])).toContain(',gpt-4o,,,0,,2,2\r\n');
  });

  it('writes NULL to Parquet, a reported 0 as 0', async () => {
    const bytes = sessionsParquet([row]);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const [read] = await parquetReadObjects({
      file,
      columns: ['input_tokens', 'output_tokens', 'cached_input_tokens'],
    });
    expect(read).toEqual({ input_tokens: null, output_tokens: null, cached_input_tokens: 0n });
  });
});
