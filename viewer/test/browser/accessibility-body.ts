/**
 * Sessions for the accessibility tests: two pages of them at 25 rows, over a priced and an unpriced
 * model (one of them hours earlier than the rest), with large token counts (wide cells), one
 * answer long enough to be clipped, and one conversation with a long id taken up again after an
 * unpriced side thread (a note linking to an earlier message; a partial cost), and one call
 * without a session id (a row grouped by its trace).
 */
import { chatTraceBody, hex, type ChatSpan } from './otlp-json.ts';

/** With the threads session, exactly two full pages of 25: the second as tall as the first. */
export const SESSIONS = 49;
export const PRICED = 'gpt-4o-mini';
export const UNPRICED = 'house-model-x';
export const THREADS = 'a11y-threads-taken-up-again-after-a-side-question';
/** Unpriced, hours before the others: the chart has a bucket without a priced call. */
export const EARLIER = 1;
/** Its answer is clipped, with "Show all". */
export const LONG_ANSWER = 5;
/** Its call names no conversation: the list groups it by its trace. It alone uses SOLO. */
export const SESSIONLESS = SESSIONS - 1;
export const SOLO = 'gpt-4o';
export const SESSIONLESS_TRACE = hex(0xa110000 + SESSIONLESS, 32);
const LONG_TEXT = Array.from({ length: 200 }, (_, i) => `Line ${i} of a long answer.`).join('\n\n');

export function a11ySessionId(i: number): string {
  return `a11y-${String(i).padStart(3, '0')}`;
}

export function accessibilityBody(nowMs: number): Uint8Array {
  const spans: ChatSpan[] = Array.from({ length: SESSIONS }, (_, i) => ({
    sessionId: a11ySessionId(i),
    traceId: hex(0xa110000 + i, 32),
    spanId: hex(0xa110000 + i, 16),
    model: i === SESSIONLESS ? SOLO : i % 2 === 0 ? PRICED : UNPRICED,
    startMs: i === EARLIER ? nowMs - 3 * 3_600_000 : nowMs - 3_600_000 + i * 60_000,
    durationMs: 700,
    input: [
      { role: 'system', text: 'You are terse.' },
      { role: 'user', text: `Question ${i}: what is **OTel**?` },
    ],
    output: i === LONG_ANSWER ? LONG_TEXT : `Answer ${i}: OpenTelemetry.`,
    inputTokens: 12_345_678 + i,
    outputTokens: 2_345_678 + i,
  }));
  const sys = { role: 'system', text: 'You are terse.' };
  const u1 = { role: 'user', text: 'first question' };
  const a1 = { role: 'assistant', text: 'first answer' };
  const calls: Array<[ChatSpan['input'], string]> = [
    [[sys, u1], a1.text],
    [[sys, { role: 'user', text: 'side question' }], 'side answer'],
    [[sys, u1, a1, { role: 'user', text: 'second question' }], 'second answer'],
  ];
  calls.forEach(([input, output], i) =>
    spans.push({
      sessionId: THREADS,
      traceId: hex(0xa120000 + i, 32),
      spanId: hex(0xa120000 + i, 16),
      model: i === 1 ? UNPRICED : PRICED,
      startMs: nowMs - 60_000 + i * 1000,
      durationMs: 500,
      input,
      output,
      inputTokens: 10,
      outputTokens: 5,
    }),
  );
  return withoutSession(chatTraceBody(spans, 'a11y-app'), hex(0xa110000 + SESSIONLESS, 16));
}

/** The body with the conversation id taken off one span. */
function withoutSession(body: Uint8Array, spanId: string): Uint8Array {
  type Attr = { key: string };
  const json = JSON.parse(new TextDecoder().decode(body)) as {
    resourceSpans: { scopeSpans: { spans: { spanId: string; attributes: Attr[] }[] }[] }[];
  };
  for (const rs of json.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans)
        if (span.spanId === spanId)
          span.attributes = span.attributes.filter((a) => a.key !== 'gen_ai.conversation.id');
  return new TextEncoder().encode(JSON.stringify(json));
}
