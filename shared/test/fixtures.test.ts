/**
 * The normalizer over every captured fixture (raw OTLP bodies from real instrumentation) must
 * reproduce the fixture's ground truth: the same sessions, the same LLM calls, the same token sums
 * and the same distinct messages in conversation order. Each fixture is normalized as one batch,
 * and again as one batch per request body, completed across batches the way storage does it.
 */
import { listFixtures, type Fixture, type GroundTruthSession } from '@parley/test-data/fixtures';
import { describe, expect, it } from 'vitest';
import { callSummaryFromRow, sessionMessageFromRow } from '../src/conversation-rows.ts';
import { buildSessionDetail } from '../src/conversation.ts';
import { normalizeBatch } from '../src/normalizer/index.ts';
import { createPricer } from '../src/pricing/index.ts';
import type { MessageRow, SpanRow } from '../src/rows.ts';
import { type Batch, batchByBatch, decodeBodies } from './fixture-batches.ts';

const pricer = createPricer();

function asOneBatch(batches: Batch[]) {
  return normalizeBatch(
    { spans: batches.flatMap((b) => b.spans), logs: batches.flatMap((b) => b.logs) },
    { pricer },
  );
}

/** What the rows say about one ground-truth session, in the ground truth's terms. */
function observe(spans: SpanRow[], messages: MessageRow[], truth: GroundTruthSession) {
  const inSession = (s: { session_id: string | null; trace_id: string }) =>
    truth.session_id !== null
      ? s.session_id === truth.session_id
      : s.session_id === null && (truth.trace_ids ?? []).includes(s.trace_id);
  const calls = spans.filter((s) => s.is_llm_call && inSession(s));
  const callIds = new Set(calls.map((c) => `${c.trace_id}/${c.span_id}`));
  const own = messages.filter((m) => callIds.has(`${m.trace_id}/${m.span_id}`));
  const detail = buildSessionDetail(
    truth.session_id ?? `trace:${truth.trace_ids?.[0] ?? ''}`,
    calls.map(callSummaryFromRow),
    own.map(sessionMessageFromRow),
  );
  const sum = (f: (s: SpanRow) => number | null) => calls.reduce((acc, c) => acc + (f(c) ?? 0), 0);
  return {
    summary: {
      llm_calls: calls.length,
      input_tokens: sum((c) => c.input_tokens),
      output_tokens: sum((c) => c.output_tokens),
      cached_input_tokens: sum((c) => c.cached_input_tokens),
      errors: calls.filter((c) => c.status_code === 'ERROR').length,
    },
    models: [...new Set(calls.map((c) => c.response_model).filter((m): m is string => m !== null))].sort(),
    messages: detail.messages
      .filter((m) => m.seq >= 0)
      .map((m) =>
        m.role === 'tool'
          ? { role: m.role, content: m.content, tool_call_id: m.toolCallId }
          : { role: m.role, content: m.content },
      ),
  };
}

function expectGroundTruth(fixture: Fixture, out: { spans: SpanRow[]; messages: MessageRow[] }) {
  const truth = fixture.groundTruth;
  const sessions = [
    ...new Set(out.spans.map((s) => s.session_id).filter((s): s is string => s !== null)),
  ].sort();
  expect(sessions).toEqual(
    truth.sessions
      .map((s) => s.session_id)
      .filter((s): s is string => s !== null)
      .sort(),
  );
  const sessionlessTraces = [
    ...new Set(out.spans.filter((s) => s.is_llm_call && s.session_id === null).map((s) => s.trace_id)),
  ].sort();
  expect(sessionlessTraces).toEqual(
    truth.sessions
      .filter((s) => s.session_id === null)
      .flatMap((s) => s.trace_ids ?? [])
      .sort(),
  );

  for (const t of truth.sessions) {
    const label = t.session_id ?? `no session (${(t.trace_ids ?? []).join(',')})`;
    const seen = observe(out.spans, out.messages, t);
    expect(seen.summary, label).toEqual({
      llm_calls: t.llm_calls,
      input_tokens: t.input_tokens,
      output_tokens: t.output_tokens,
      cached_input_tokens: t.cached_input_tokens,
      errors: t.errors,
    });
    expect(seen.models, `${label}: response models`).toEqual(t.models);
    expect(seen.messages, label).toEqual(
      t.messages.map((m) =>
        m.role === 'tool'
          ? { role: m.role, content: m.content, tool_call_id: m.tool_call_id ?? null }
          : { role: m.role, content: m.content },
      ),
    );
  }
}

/** Conventions the model calls of each captured library must be recognized as. */
const EXPECTED_CONVENTIONS: Record<string, string[]> = {
  langfuse: ['langfuse'],
  openinference: ['openinference'],
  // Chat Completions follow semconv 1.36 (log events), the Responses API the current form
  'otel-openai': ['otel-genai-legacy', 'otel-genai'],
  traceloop: ['openllmetry'],
  'traceloop-sdk': ['openllmetry'],
  'vercel-ai': ['vercel-ai'],
  // AI SDK 7's recommended @ai-sdk/otel integration writes the GenAI semantic conventions
  'vercel-ai-v7': ['otel-genai'],
};

function expectedConventions(fixture: Fixture): string[] | undefined {
  return EXPECTED_CONVENTIONS[fixture.name.replace(/-(json|protobuf)$/, '')];
}

const fixtures = listFixtures();

describe('captured fixtures', () => {
  it('are present', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      const batches = decodeBodies(fixture);

      it('one batch reproduces the ground truth', () => {
        expectGroundTruth(fixture, asOneBatch(batches));
      });

      it('one batch per request body, completed across batches, reproduces the ground truth', () => {
        expectGroundTruth(fixture, batchByBatch(batches, pricer));
      });

      it('is normalized without problems and with a known convention on every model call', () => {
        const out = asOneBatch(batches);
        expect(out.problems).toEqual([]);
        expect(out.spans.filter((s) => s.problems !== null).map((s) => [s.name, s.problems])).toEqual([]);
        const expected = expectedConventions(fixture);
        expect(expected, `no expected convention listed for ${fixture.name}`).toBeDefined();
        const seen = new Set(out.spans.filter((s) => s.is_llm_call).map((s) => s.convention));
        expect(
          [...seen].every((c) => c !== null && expected?.includes(c)),
          [...seen].join(','),
        ).toBe(true);
      });
    });
  }
});
