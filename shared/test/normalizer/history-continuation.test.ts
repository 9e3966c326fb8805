/**
 * Within a batch, a session's `gen_ai.input.messages` that only appends to the previous call's is
 * parsed from where the previous one ended (see otelHistory). Whatever the texts, every span must
 * get exactly the rows it gets when normalized on its own, problems included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeBatch } from '../../src/normalizer/index.ts';
import type { OtlpSpan } from '../../src/otlp.ts';
import { span } from './helpers.ts';

const message = fc.oneof(
  fc.record({
    role: fc.constantFrom('system', 'user', 'assistant', 'tool', 'developer', ''),
    parts: fc.array(
      fc.oneof(
        fc.record({ type: fc.constant('text'), content: fc.string({ unit: 'grapheme', maxLength: 20 }) }),
        fc.record({
          type: fc.constant('tool_call'),
          id: fc.string({ maxLength: 4 }),
          name: fc.constant('f'),
        }),
      ),
      { maxLength: 2 },
    ),
  }),
  fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.string({ maxLength: 12 }) }),
  fc.constantFrom(null, 7, 'bare text', [], {}),
);

/** How one call's history text follows the previous call's. */
const step = fc.oneof(
  fc.record({
    kind: fc.constant('append' as const),
    items: fc.array(message, { minLength: 1, maxLength: 3 }),
    spaced: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('append-nothing' as const) }),
  fc.record({ kind: fc.constant('broken-tail' as const), tail: fc.constantFrom(',]', ' ,{]', '}', ',"x"') }),
  fc.record({ kind: fc.constant('restart' as const), items: fc.array(message, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('padded' as const) }),
);

/** Texts of successive calls: appending element JSON after the previous text's last element. */
function histories(
  first: unknown[],
  steps: Array<typeof step extends fc.Arbitrary<infer S> ? S : never>,
): string[] {
  let text = JSON.stringify(first);
  const out = [text];
  for (const s of steps) {
    const open = text.trimEnd().slice(0, -1);
    if (s.kind === 'append') {
      const sep = s.spaced ? ' ,\n ' : ',';
      text = `${open}${open.trim() === '[' ? '' : sep}${s.items.map((m) => JSON.stringify(m)).join(sep)}]`;
    } else if (s.kind === 'append-nothing') text = `${open},]`;
    else if (s.kind === 'broken-tail') text = `${open}${s.tail}`;
    else if (s.kind === 'restart') text = JSON.stringify(s.items);
    else text = ` \n${text}\t `;
    out.push(text);
  }
  return out;
}

function call(i: number, history: string, session: string): OtlpSpan {
  return span(
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.conversation.id': session,
      'gen_ai.input.messages': history,
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: `answer ${i}` }]),
    },
    // one trace per call, so no row depends on another call's
    { traceId: (i + 1).toString(16).padStart(32, '0') },
  );
}

describe('history continuation within a batch', () => {
  it('gives every call the rows it gets on its own', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 3 }),
        fc.array(step, { maxLength: 6 }),
        fc.boolean(),
        (first, steps, twoSessions) => {
          const spans = histories(first, steps).map((h, i) =>
            call(i, h, twoSessions && i % 2 === 1 ? 's2' : 's1'),
          );
          const together = normalizeBatch({ spans, logs: [] }, { pricer: null });
          const alone = spans.map((s) => normalizeBatch({ spans: [s], logs: [] }, { pricer: null }));
          expect(together.spans).toEqual(alone.flatMap((a) => a.spans));
          expect(together.messages).toEqual(alone.flatMap((a) => a.messages));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('records the same problem for an appended tail that breaks the JSON', () => {
    const first = JSON.stringify([{ role: 'user', content: 'hi' }]);
    const broken = `${first.slice(0, -1)},]`;
    const out = normalizeBatch(
      { spans: [call(0, first, 's'), call(1, broken, 's')], logs: [] },
      { pricer: null },
    );
    expect(out.spans[1]?.problems).toContain('invalid_json');
    expect(out.messages.filter((m) => m.span_id === out.spans[1]?.span_id).map((m) => m.direction)).toEqual([
      'output',
    ]);
  });
});
