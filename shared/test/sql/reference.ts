/** A plain-TypeScript model of the sessions page semantics, to check the SQL against. */
import type { SessionSummaryRow } from '../../src/rows.ts';
import { MAX_ID_CHARS } from '../../src/schema.ts';
import { resolveTimeRange } from '../../src/sql/time.ts';
import type { SessionListRow, SortKey, ViewState } from '../../src/view.ts';

export function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function refSessions(
  rows: readonly SessionSummaryRow[],
  view: ViewState,
  nowUs: number,
  ignoreModels = false,
): SessionListRow[] {
  // Matched on what an id can be stored as: its first MAX_ID_CHARS.
  const search = view.search.trim().slice(0, MAX_ID_CHARS).toLowerCase();
  const { fromUs, toUs } = resolveTimeRange(view.time, nowUs);
  const groups = new Map<string, SessionSummaryRow[]>();
  for (const r of rows) {
    const key = r.session_id ?? `trace:${r.trace_id}`;
    if (search && !key.toLowerCase().includes(search)) continue;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: SessionListRow[] = [];
  for (const [key, g] of groups) {
    const inRange = g.some(
      (r) => (fromUs === null || r.last_time >= fromUs) && (toUs === null || r.first_time <= toUs),
    );
    if (!inRange) continue;
    if (!ignoreModels && view.models.length && !g.some((r) => r.models.some((m) => view.models.includes(m))))
      continue;
    const sum = (f: (r: SessionSummaryRow) => number) => g.reduce((a, r) => a + f(r), 0);
    // Over the rows that have the figure; null when none has (nothing reported).
    const sumReported = (f: (r: SessionSummaryRow) => number | null) =>
      g.reduce<number | null>((a, r) => (f(r) === null ? a : (a ?? 0) + (f(r) as number)), null);
    const priced = g.filter((r) => r.total_cost_usd !== null);
    const firstUs = Math.min(...g.map((r) => r.first_time));
    const lastUs = Math.max(...g.map((r) => r.last_time));
    out.push({
      key,
      sessionId: g[0]?.session_id ?? null,
      traceId: g[0]?.session_id == null ? (g[0]?.trace_id ?? null) : null,
      firstUs,
      lastUs,
      durationMs: (lastUs - firstUs) / 1000,
      spans: sum((r) => r.spans),
      llmCalls: sum((r) => r.llm_calls),
      models: [...new Set(g.flatMap((r) => r.models))].sort(bytewise),
      inputTokens: sumReported((r) => r.input_tokens),
      outputTokens: sumReported((r) => r.output_tokens),
      cachedInputTokens: sumReported((r) => r.cached_input_tokens),
      totalCostUsd: priced.length ? priced.reduce((a, r) => a + (r.total_cost_usd ?? 0), 0) : null,
      unpricedCalls: sum((r) => r.unpriced_calls),
      errors: sum((r) => r.errors),
    });
  }
  const value: Record<SortKey, (r: SessionListRow) => number | string | null> = {
    last_time: (r) => r.lastUs,
    first_time: (r) => r.firstUs,
    duration: (r) => r.lastUs - r.firstUs,
    llm_calls: (r) => r.llmCalls,
    input_tokens: (r) => r.inputTokens,
    output_tokens: (r) => r.outputTokens,
    cached_input_tokens: (r) => r.cachedInputTokens,
    total_cost_usd: (r) => r.totalCostUsd,
    errors: (r) => r.errors,
    session_id: (r) => r.key,
  };
  const f = value[view.sort.key];
  const sign = view.sort.dir === 'asc' ? 1 : -1;
  return out.sort((a, b) => {
    const va = f(a);
    const vb = f(b);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      const c = typeof va === 'string' ? bytewise(va, vb as string) : va - (vb as number);
      if (c !== 0) return sign * c;
    }
    return bytewise(a.key, b.key);
  });
}
