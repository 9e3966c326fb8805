import { describe, expect, it } from 'vitest';
import { completeAcrossBatches } from '../../src/normalizer/index.ts';
import { SESSION_KEYS } from '../../src/normalizer/session.ts';
import { one, run, span } from './helpers.ts';

describe('session id resolution', () => {
  it('follows the documented priority order', () => {
    const all: Record<string, string> = {};
    for (const key of SESSION_KEYS) all[key] = `from ${key}`;
    for (const key of SESSION_KEYS) {
      const row = one({ ...all }).row;
      expect(row).toMatchObject({ session_id: `from ${key}`, session_source: key });
      delete all[key];
    }
    expect(one(all).row).toMatchObject({ session_id: null, session_source: null });
  });

  it('ignores empty strings and stringifies numeric ids', () => {
    expect(one({ 'gen_ai.conversation.id': '', 'session.id': 42 }).row).toMatchObject({
      session_id: '42',
      session_source: 'session.id',
    });
  });

  it("inherits within a trace: nearest ancestor first, else the root's session", () => {
    const root = span({ 'session.id': 'root-s' }, { name: 'root', startTimeUs: 1000, endTimeUs: 9000 });
    const mid = span(
      { 'gen_ai.conversation.id': 'mid-s' },
      { name: 'mid', parentSpanId: root.spanId, startTimeUs: 2000 },
    );
    const leaf = span(
      { 'gen_ai.operation.name': 'chat' },
      { name: 'leaf', parentSpanId: mid.spanId, startTimeUs: 3000 },
    );
    const orphan = span({}, { name: 'orphan', parentSpanId: 'ffffffffffffffff', startTimeUs: 4000 });
    const other = span({}, { traceId: 'b'.repeat(32), name: 'other trace' });
    const out = run([leaf, orphan, other, mid, root]);
    const by = (name: string) => out.spans.find((s) => s.name === name);
    expect(by('leaf')).toMatchObject({ session_id: 'mid-s', session_source: 'trace' });
    expect(by('orphan')).toMatchObject({ session_id: 'root-s', session_source: 'trace' });
    expect(by('mid')).toMatchObject({ session_id: 'mid-s', session_source: 'gen_ai.conversation.id' });
    expect(by('other trace')).toMatchObject({ session_id: null, session_source: null });
  });

  it('gives a span outside the sessions of a trace serving several none of them; a trace with one shares it', () => {
    const root = span({}, { name: 'POST /batch', startTimeUs: 1000, endTimeUs: 9000 });
    const turnA = span(
      { 'session.id': 'A' },
      { name: 'turn A', parentSpanId: root.spanId, startTimeUs: 2000 },
    );
    const turnB = span(
      { 'session.id': 'B' },
      { name: 'turn B', parentSpanId: root.spanId, startTimeUs: 3000 },
    );
    const callB = span({ 'gen_ai.operation.name': 'chat' }, { name: 'call B', parentSpanId: turnB.spanId });
    const chore = span({ 'gen_ai.operation.name': 'chat' }, { name: 'chore', parentSpanId: root.spanId });
    const out = run([root, turnA, turnB, callB, chore]);
    const by = (name: string) => out.spans.find((s) => s.name === name);
    expect(by('call B')).toMatchObject({ session_id: 'B', session_source: 'trace' });
    expect(by('chore')).toMatchObject({ session_id: null, session_source: null });
    expect(by('POST /batch')).toMatchObject({ session_id: null, session_source: null });

    // One session set on a child (Langfuse's update_current_trace inside a step): the whole trace has it.
    const solo = run([root, turnA, chore]);
    expect(solo.spans.map((s) => s.session_id)).toEqual(['A', 'A', 'A']);
    // Completed again once the second session is known, the guess is taken back.
    const again = completeAcrossBatches([...solo.spans, ...run([turnB]).spans], []);
    expect(again.spans.find((s) => s.name === 'chore')).toMatchObject({
      session_id: null,
      session_source: null,
    });
  });

  it('completes inheritance across batches (child first, parent later), idempotently', () => {
    const parent = span({ 'gen_ai.conversation.id': 'conv-x' }, { name: 'turn' });
    const child = span(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
      },
      { parentSpanId: parent.spanId },
    );
    const first = run([child]);
    expect(first.spans[0]?.session_id).toBeNull();
    expect(first.messages[0]?.session_id).toBeNull();
    const second = run([parent]);
    const done = completeAcrossBatches(
      [...first.spans, ...second.spans],
      [...first.messages, ...second.messages],
    );
    expect(done.spans[0]).toMatchObject({ session_id: 'conv-x', session_source: 'trace' });
    expect(done.messages[0]?.session_id).toBe('conv-x');
    expect(completeAcrossBatches(done.spans, done.messages)).toEqual(done);
  });
});

describe('is_llm_call: one model call counted once', () => {
  it('keeps only the innermost of two nested spans describing one request', () => {
    const framework = span(
      {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o',
        'langfuse.observation.usage_details': '{"input":10,"output":2}',
        'langfuse.observation.input': '"hi"',
      },
      { name: 'generation' },
    );
    const client = span(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 2,
      },
      { parentSpanId: framework.spanId },
    );
    const out = run([framework, client]);
    expect(out.spans.map((s) => s.is_llm_call)).toEqual([false, true]);
    expect(JSON.parse(out.spans[0]?.problems ?? '[]')).toMatchObject([{ code: 'nested_model_call' }]);
    // the outer span's copy of the messages is not a second conversation
    expect(out.messages.every((m) => m.span_id === client.spanId)).toBe(true);
    // across batches, in either order
    const a = run([client]);
    const b = run([framework]);
    const done = completeAcrossBatches([...b.spans, ...a.spans], [...b.messages, ...a.messages]);
    expect(done.spans.filter((s) => s.is_llm_call).map((s) => s.span_id)).toEqual([client.spanId]);
  });

  it('gives a call that recorded no content the messages of the one wrapper demoted for it', () => {
    const wrapper = (extra: Record<string, string> = {}) =>
      span(
        {
          'langfuse.observation.type': 'generation',
          'langfuse.observation.model.name': 'gpt-4o',
          'langfuse.observation.input': '[{"role":"user","content":"langfuse sees this"}]',
          'langfuse.observation.output': 'and this',
          ...extra,
        },
        { name: 'generation' },
      );
    const call = (parentSpanId: string, content: Record<string, string> = {}) =>
      span(
        { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', ...content },
        { parentSpanId },
      );
    const outer = wrapper();
    const inner = call(outer.spanId);
    const out = run([outer, inner]);
    expect(out.messages.map((m) => [m.span_id, m.role, m.content, m.seq])).toEqual([
      [inner.spanId, 'user', 'langfuse sees this', 0],
      [inner.spanId, 'assistant', 'and this', 1],
    ]);
    // again on its own output: nothing moves twice
    const again = completeAcrossBatches(out.spans, out.messages);
    expect(again.messages).toEqual(out.messages);

    // a call with content of its own keeps it; the wrapper's copy is not a second conversation
    const outer2 = wrapper();
    const own = call(outer2.spanId, {
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"own words"}]}]',
    });
    expect(run([outer2, own]).messages.map((m) => [m.span_id, m.content])).toEqual([
      [own.spanId, 'own words'],
    ]);

    // a wrapper around two calls cannot say which one its messages were
    const outer3 = wrapper();
    const first = call(outer3.spanId);
    const second = call(outer3.spanId);
    expect(run([outer3, first, second]).messages).toEqual([]);

    // a call already written (context, before newFrom) may have had messages not given here
    const outer4 = wrapper();
    const written = call(outer4.spanId);
    const a = run([written]);
    const b = run([outer4]);
    const late = completeAcrossBatches([...a.spans, ...b.spans], b.messages, { newFrom: a.spans.length });
    expect(late.messages).toEqual([]);
    const together = completeAcrossBatches([...a.spans, ...b.spans], b.messages);
    expect(together.messages.map((m) => m.span_id)).toEqual([written.spanId, written.spanId]);
  });

  it('does not treat sibling calls as nested', () => {
    const agent = span({ 'gen_ai.operation.name': 'invoke_agent' });
    const c1 = span(
      { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
      { parentSpanId: agent.spanId },
    );
    const c2 = span(
      { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
      { parentSpanId: agent.spanId },
    );
    expect(run([agent, c1, c2]).spans.map((s) => s.is_llm_call)).toEqual([false, true, true]);
  });
});
