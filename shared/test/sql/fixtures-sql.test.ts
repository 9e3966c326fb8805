/**
 * End to end over the captured fixtures: normalized rows (as storage would write them) -> Parquet
 * -> the SQL builders in real DuckDB -> conversation reconstruction. Every session of the rows is
 * found on the sessions page, its calls and messages come back whole, its conversation is the one
 * reconstructed from the rows in memory, and its per-role rollup adds up to the sums over its
 * is_llm_call spans. (Whether the rows match the ground truth is the normalizer's test.)
 */
import { listFixtures } from '@parley/test-data/fixtures';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { callSummaryFromRow, sessionMessageFromRow } from '../../src/conversation-rows.ts';
import { buildSessionDetail } from '../../src/conversation.ts';
import { createPricer } from '../../src/pricing/index.ts';
import { batchByBatch, decodeBodies } from '../fixture-batches.ts';
import type { SpanRow } from '../../src/rows.ts';
import { mapCalls, mapMessages, mapSessionTotals, mapSessionsPage } from '../../src/sql/rows.ts';
import { sessionCalls, sessionMessages, sessionTotals } from '../../src/sql/session.ts';
import { sessionsPage } from '../../src/sql/sessions.ts';
import { defaultViewState } from '../../src/url-state.ts';
import type { CallSummary } from '../../src/view.ts';
import { type Dataset, openDataset } from './duck.ts';
import { fileGroups, summarize } from './fixture.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const pricer = createPricer();

const open: Dataset[] = [];
afterAll(() => open.forEach((d) => d.close()));

// One encoding per library is enough here; the normalizer's own tests cover both.
const fixtures = listFixtures().filter((f) => f.name.endsWith('-json'));

describe('SQL over normalized fixtures', () => {
  it('has fixtures to run on', () => expect(fixtures.length).toBeGreaterThan(0));

  for (const fixture of fixtures) {
    it(`${fixture.name}: the SQL path gives every session, conversation and role rollup`, async () => {
      const { spans, messages } = batchByBatch(decodeBodies(fixture), pricer);
      const ds = await openDataset(fileGroups({ spans, messages, summaries: summarize(spans) }));
      open.push(ds);
      const keyOf = (s: SpanRow) => s.session_id ?? `trace:${s.trace_id}`;
      const llmCalls = spans.filter((s) => s.is_llm_call);
      const keys = [...new Set(llmCalls.map(keyOf))];
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const own = llmCalls.filter((s) => keyOf(s) === key);
        const ownIds = new Set(own.map((s) => `${s.trace_id}/${s.span_id}`));
        const pageRow = mapSessionsPage(
          await ds.run(
            sessionsPage({ ...defaultViewState(), search: key, time: { kind: 'relative', range: 'all' } }, 0),
          ),
        ).rows.find((r) => r.key === key);
        expect(pageRow, key).toMatchObject({ llmCalls: own.length });

        const calls = mapCalls(await ds.run(sessionCalls(key)));
        const rows = mapMessages(await ds.run(sessionMessages(key)));
        expect(calls.map((c) => c.spanId).sort(), key).toEqual(own.map((s) => s.span_id).sort());
        // Every field of a call, the details view's included, as the in-memory rows give it.
        const bySpan = (a: CallSummary, b: CallSummary) => a.spanId.localeCompare(b.spanId);
        expect([...calls].sort(bySpan), key).toEqual(own.map(callSummaryFromRow).sort(bySpan));
        expect(rows.length, key).toBe(
          messages.filter((m) => ownIds.has(`${m.trace_id}/${m.span_id}`)).length,
        );
        const detail = buildSessionDetail(key, calls, rows);

        // The SQL path shows what reconstruction over the in-memory rows shows.
        const inMemory = buildSessionDetail(
          key,
          calls,
          messages.filter((m) => ownIds.has(`${m.trace_id}/${m.span_id}`)).map(sessionMessageFromRow),
        );
        expect(
          detail.messages.map((m) => [m.anchor, m.role, m.content, m.branch]),
          key,
        ).toEqual(inMemory.messages.map((m) => [m.anchor, m.role, m.content, m.branch]));

        // The rollup adds up to the sums over the session's is_llm_call spans.
        const totals = mapSessionTotals(await ds.run(sessionTotals(key)));
        // Over the calls that reported the figure; null when none did.
        const sumSpans = (f: (s: SpanRow) => number | null) =>
          own.reduce<number | null>((a, s) => (f(s) === null ? a : (a ?? 0) + (f(s) as number)), null);
        expect(totals, key).toMatchObject({
          llmCalls: own.length,
          inputTokens: sumSpans((s) => s.input_tokens),
          outputTokens: sumSpans((s) => s.output_tokens),
          cachedInputTokens: sumSpans((s) => s.cached_input_tokens),
        });
        expect(detail.totals, key).toMatchObject({
          inputTokens: totals.inputTokens,
          outputTokens: totals.outputTokens,
          cachedInputTokens: totals.cachedInputTokens,
        });
        const rollup = detail.rollup;
        const sum = (f: (r: (typeof rollup)[number]) => number | null) =>
          rollup.reduce((a, r) => a + (f(r) ?? 0), 0);
        expect(
          sum((r) => r.inputTokens),
          key,
        ).toBe(totals.inputTokens ?? 0);
        expect(
          sum((r) => r.outputTokens),
          key,
        ).toBe(totals.outputTokens ?? 0);
        expect(
          sum((r) => r.cachedInputTokens),
          key,
        ).toBe(totals.cachedInputTokens ?? 0);
        const costs = rollup.map((r) => r.costUsd).filter((c): c is number => c !== null);
        if (totals.totalCostUsd === null) expect(costs, key).toEqual([]);
        else
          expect(
            costs.reduce((a, b) => a + b, 0),
            key,
          ).toBeCloseTo(totals.totalCostUsd, 12);
      }
    });
  }
});
