import { describe, expect, it } from 'vitest';
import type { SessionListRow } from '@parley/shared/view';
import { csvField, sessionsCsv } from '../../src/lib/engine/csv.ts';

const row: SessionListRow = {
  key: 'sess "1", part\ntwo',
  sessionId: 'sess "1", part\ntwo',
  traceId: null,
  firstUs: Date.UTC(2026, 10, 26, 5, 0, 0) * 1000 + 123,
  lastUs: Date.UTC(2026, 10, 26, 5, 1, 0) * 1000,
  durationMs: 59999.877,
  spans: 4,
  llmCalls: 2,
  models: ['gpt-4o', 'claude-sonnet-4'],
  inputTokens: 1200,
  outputTokens: 80,
  cachedInputTokens: 0,
  totalCostUsd: null,
  unpricedCalls: 2,
  errors: 0,
};

describe('CSV export', () => {
  it('quotes separators, quotes and newlines (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(null)).toBe('');
  });

  it('neutralizes spreadsheet formulas', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
  });

  it('writes one header and one line per session, unknown cost empty (not 0)', () => {
    const csv = sessionsCsv([row]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^session_key,session_id,trace_id,first_time,/);
    expect(csv).toContain('"sess ""1"", part\ntwo"');
    expect(csv).toContain('2026-11-26T05:00:00.000123Z');
    expect(csv).toContain(',1200,80,0,,2,0\r\n');
  });
});
