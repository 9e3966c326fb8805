/**
 * The conversations of the captured fixtures, reconstructed from the normalizer's rows as the
 * viewer reconstructs them, against what each library sent.
 */
import { type Fixture, listFixtures } from '@parley/test-data/fixtures';
import { describe, expect, it } from 'vitest';
import { callSummaryFromRow, sessionMessageFromRow } from '../src/conversation-rows.ts';
import { type SessionMessage, buildSessionDetail, isPlaceholder } from '../src/conversation.ts';
import { createPricer } from '../src/pricing/index.ts';
import { batchByBatch, decodeBodies } from './fixture-batches.ts';

const pricer = createPricer();

/**
 * Each fixture's conversations as the viewer shows them, by session id; `rewrite` changes the
 * session's messages first.
 */
function conversations(fixture: Fixture, rewrite: (m: SessionMessage) => SessionMessage = (m) => m) {
  const { spans, messages } = batchByBatch(decodeBodies(fixture), pricer);
  const calls = spans.filter((s) => s.is_llm_call);
  return fixture.groundTruth.sessions.map((truth) => {
    const mine = calls.filter((s) =>
      truth.session_id === null
        ? s.session_id === null && truth.trace_ids?.includes(s.trace_id)
        : s.session_id === truth.session_id,
    );
    const spanIds = new Set(mine.map((s) => `${s.trace_id}/${s.span_id}`));
    const sent = messages
      .filter((m) => spanIds.has(`${m.trace_id}/${m.span_id}`))
      .map(sessionMessageFromRow)
      .map(rewrite);
    const detail = buildSessionDetail(
      truth.session_id ?? `trace:${truth.trace_ids?.[0]}`,
      mine.map(callSummaryFromRow),
      sent,
    );
    return { truth, detail, sent };
  });
}

describe('fixture conversations', () => {
  for (const fixture of listFixtures()) {
    it(`${fixture.name}: a tool result is named by the tool its call made`, () => {
      let results = 0;
      for (const { truth, detail } of conversations(fixture)) {
        const callNames = new Map<string, string>();
        for (const m of detail.messages) {
          for (const p of JSON.parse(m.parts ?? '[]') as { type: string; id?: string; name?: string }[])
            if (p.type === 'tool_call' && p.id && p.name) callNames.set(p.id, p.name);
        }
        for (const m of detail.messages.filter((m) => m.role === 'tool')) {
          results++;
          expect(m.toolCallId, truth.session_id ?? '').not.toBeNull();
          expect(callNames.get(m.toolCallId ?? ''), `${truth.session_id}: call ${m.toolCallId}`).toBe(
            'get_weather',
          );
          expect(m.toolName, `${truth.session_id}: result of ${m.toolCallId}`).toBe('get_weather');
        }
      }
      // Every library's multi-turn scenario has its get_weather round trip.
      expect(results).toBe(1);
    });

    it(`${fixture.name}: instructions rewritten on every call show once a call, the history once`, () => {
      // As an app sends them that puts the time, retrieved context or memory in them.
      const timed = (m: SessionMessage): SessionMessage =>
        m.role === 'system'
          ? { ...m, content: `${m.content} (call ${m.spanId})`, contentHash: `${m.contentHash}/${m.spanId}` }
          : m;
      for (const { truth, detail, sent } of conversations(fixture, timed)) {
        const key = truth.session_id ?? 'no session';
        const shown = detail.messages.filter((m) => !isPlaceholder(m));
        expect(
          shown.filter((m) => m.role !== 'system').map((m) => [m.role, m.content]),
          key,
        ).toEqual(truth.messages.filter((m) => m.role !== 'system').map((m) => [m.role, m.content]));
        // Each call's instructions, new each time, once.
        const instructed = detail.calls
          .filter((c) => sent.some((m) => m.spanId === c.spanId && m.role === 'system'))
          .map((c) => c.spanId);
        expect(
          shown.filter((m) => m.role === 'system').map((m) => m.spanId),
          key,
        ).toEqual(instructed);
        expect(shown.filter((m) => m.branch).length, key).toBe(0);
      }
    });
  }
});
