import { describe, expect, it } from 'vitest';
import { createRecentSpans } from '../../src/storage/recent-spans.ts';

const light = (
  trace: string,
  span: string,
  session: string | null,
  model: string | null,
  parent: string | null = null,
) => ({
  trace_id: trace,
  span_id: span,
  parent_span_id: parent,
  session_id: session,
  session_source: session === null ? null : 'gen_ai.conversation.id',
  model,
  start_time: 1_700_000_000_000_000,
  is_llm_call: model !== null,
});

describe('recent spans', () => {
  it('gives back each span under its own trace and span id, with its own session and model', () => {
    const recent = createRecentSpans({
      maxAgeMs: 60_000,
      maxSpans: 100,
      rootless: { maxAgeMs: 60_000, maxTraces: 10 },
    });
    recent.remember(
      [
        light('t1', 'a', 'conv-1', null),
        light('t1', 'b', 'conv-1', 'gpt-4o', 'a'),
        light('t1', 'c', 'conv-2', 'claude', 'a'),
        light('t2', 'd', null, 'gpt-4o'),
      ],
      1,
    );
    const rows = recent.context(new Set(['t1', 't2']));
    expect(
      rows.map((r) => [r.trace_id, r.span_id, r.parent_span_id, r.session_id, r.model, r.is_llm_call]),
    ).toEqual([
      ['t1', 'a', null, 'conv-1', null, false],
      ['t1', 'b', 'a', 'conv-1', 'gpt-4o', true],
      ['t1', 'c', 'a', 'conv-2', 'claude', true],
      ['t2', 'd', null, null, 'gpt-4o', true],
    ]);
    expect(recent.size).toBe(4);
    expect(recent.has('t1', 'c')).toBe(true);
    expect(recent.has('t2', 'a')).toBe(false);
  });

  it('forgets whole traces, least recently touched first, past its span limit', () => {
    const recent = createRecentSpans({
      maxAgeMs: 60_000,
      maxSpans: 2,
      rootless: { maxAgeMs: 60_000, maxTraces: 10 },
    });
    recent.remember([light('old', 'a', 's', null), light('old', 'b', 's', null)], 1);
    recent.remember([light('new', 'c', 's', null)], 2);
    recent.forget(3);
    expect(recent.context(new Set(['old', 'new'])).map((r) => r.span_id)).toEqual(['c']);
    expect(recent.size).toBe(1);
  });
});
