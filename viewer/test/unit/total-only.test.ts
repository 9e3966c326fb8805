import { describe, expect, it } from 'vitest';
import { type SessionMessage, buildSessionDetail } from '@parley/shared/conversation';
import type { CallSummary } from '@parley/shared/view';
import { totalOnlyNotes, totalOnlyTitle } from '../../src/lib/total-only.ts';

const T = 1_790_000_000_000_000;

function call(
  n: number,
  cost: Pick<CallSummary, 'inputCostUsd' | 'outputCostUsd' | 'totalCostUsd'>,
): CallSummary {
  return {
    traceId: 'a'.repeat(32),
    spanId: String(n).padStart(16, '0'),
    startUs: T + n * 1_000_000,
    durationMs: 1000,
    model: 'claude-3-5-sonnet',
    provider: 'anthropic',
    operation: 'chat',
    statusCode: 'OK',
    statusMessage: null,
    inputTokens: 100,
    outputTokens: 10,
    cachedInputTokens: 0,
    reasoningTokens: null,
    ...cost,
    costSource: 'reported',
  };
}

function said(c: CallSummary, messages: [role: string, text: string, direction: 'input' | 'output'][]) {
  return messages.map(([role, content, direction], seq): SessionMessage => ({
    traceId: c.traceId,
    spanId: c.spanId,
    startUs: c.startUs,
    seq,
    direction,
    role,
    content,
    parts: null,
    toolCallId: null,
    toolName: null,
    finishReason: null,
    model: null,
    contentHash: `${role}|${content}`,
  }));
}

describe('totalOnlyNotes', () => {
  // Two calls that reported only their total (Pydantic AI's operation.cost), then one split call.
  const totalOnly = { inputCostUsd: null, outputCostUsd: null };
  const c1 = call(1, { ...totalOnly, totalCostUsd: 0.0006 });
  const c2 = call(2, { ...totalOnly, totalCostUsd: 0.0009 });
  const c3 = call(3, { inputCostUsd: 0.001, outputCostUsd: 0.002, totalCostUsd: 0.003 });
  const history: [string, string, 'input' | 'output'][] = [
    ['system', 'bank agent', 'input'],
    ['user', 'balance?', 'input'],
    ['assistant', 'calling', 'input'],
    ['user', '123 EUR', 'input'],
    ['assistant', 'it is 123 EUR', 'input'],
  ];
  const detail = buildSessionDetail(
    's',
    [c1, c2, c3],
    [
      ...said(c1, [...history.slice(0, 2), ['assistant', 'calling', 'output']]),
      ...said(c2, [...history.slice(0, 4), ['assistant', 'it is 123 EUR', 'output']]),
      ...said(c3, [...history, ['user', 'thanks', 'input'], ['assistant', 'welcome', 'output']]),
    ],
  );
  const notes = totalOnlyNotes(detail.messages);

  it('says which roles hold whole-call totals and which sent the calls inside them', () => {
    expect(Object.fromEntries(notes)).toEqual({
      system: { totals: 0, totalsUsd: 0, inputsInTotals: 1 },
      user: { totals: 0, totalsUsd: 0, inputsInTotals: 1 },
      assistant: { totals: 2, totalsUsd: 0.0006 + 0.0009, inputsInTotals: 0 },
    });
    // The rollup still adds up to the calls' costs: the totals are on the assistant row.
    const rollupCost = detail.rollup.reduce((s, r) => s + (r.costUsd ?? 0), 0);
    expect(rollupCost).toBeCloseTo(detail.totals.totalCostUsd ?? NaN, 12);
    expect(detail.rollup.find((r) => r.role === 'system')?.costUsd).toBeNull();
  });

  it('explains both in the title of the cost cell', () => {
    expect(totalOnlyTitle(notes.get('assistant'))).toBe(
      'Includes $0.0015: the whole cost of 2 calls that reported only a total, input and output not split.',
    );
    expect(totalOnlyTitle(notes.get('system'))).toBe(
      'Input cost not split: 1 call sent by these messages reported only a total cost, counted with the answer (input and output together).',
    );
    expect(totalOnlyTitle(undefined)).toBeNull();
  });
});
