/** CSV (RFC 4180) of the filtered sessions, safe to open in spreadsheets. */
import type { SessionListRow } from '@parley/shared/view';

const HEADER = [
  'session_key',
  'session_id',
  'trace_id',
  'first_time',
  'last_time',
  'duration_ms',
  'spans',
  'llm_calls',
  'models',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'total_cost_usd',
  'unpriced_calls',
  'errors',
];

/** Quotes when needed; a leading = + - @ (formula injection in spreadsheets) is neutralized with a quote mark. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function isoUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const frac = String(((us % 1000) + 1000) % 1000).padStart(3, '0');
  return new Date(ms).toISOString().replace('Z', `${frac}Z`);
}

export function sessionsCsv(rows: readonly SessionListRow[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.key,
        r.sessionId,
        r.traceId,
        isoUs(r.firstUs),
        isoUs(r.lastUs),
        r.durationMs,
        r.spans,
        r.llmCalls,
        r.models.join(' '),
        r.inputTokens,
        r.outputTokens,
        r.cachedInputTokens,
        r.totalCostUsd,
        r.unpricedCalls,
        r.errors,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
