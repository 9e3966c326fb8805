import { describe, expect, it, vi } from 'vitest';
import type { OtlpSpan } from '@parley/shared/otlp';
import { DAY_MS, generateBatches, generateSpans } from '../src/synthetic/generate.ts';
import { MODELS } from '../src/synthetic/models.ts';

// Heavy but bounded work; the shared 2-core machine can be slow, and speed is not under test here.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const END = Date.parse('2026-11-20T12:00:00Z');
const base = { spans: 6000, sessions: 600, seed: 7, endMs: END };
const spans = [...generateSpans(base)];
const chats = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');

type Message = { role: string; parts: { type: string }[] };
const inputOf = (s: OtlpSpan) => JSON.parse(s.attributes['gen_ai.input.messages'] as string) as Message[];
const outputOf = (s: OtlpSpan) => JSON.parse(s.attributes['gen_ai.output.messages'] as string) as Message[];

describe('synthetic generator', () => {
  it('produces exactly the number of spans asked, in batches of the asked size', () => {
    expect(spans.length).toBe(6000);
    const sizes = [...generateBatches({ ...base, batchSize: 512 })].map((b) => b.length);
    expect(sizes.slice(0, -1).every((n) => n === 512)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(6000);
    expect([...generateSpans({ ...base, spans: 1 })].length).toBe(1);
  });

  it('produces about the number of sessions asked', () => {
    const sessions = new Set(
      spans.map((s) => s.attributes['gen_ai.conversation.id']).filter((v) => v !== undefined),
    );
    expect(sessions.size).toBeGreaterThan(600 * 0.7);
    expect(sessions.size).toBeLessThan(600 * 1.3);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect([...generateSpans(base)]).toEqual(spans);
    expect([...generateSpans({ ...base, seed: 8 })][0]!.traceId).not.toBe(spans[0]!.traceId);
  });

  it('spreads start times over the window ending at the given end', () => {
    const endUs = END * 1000;
    const startUs = endUs - 7 * DAY_MS * 1000;
    expect(
      spans.every((s) => s.startTimeUs >= startUs && s.endTimeUs <= endUs && s.endTimeUs >= s.startTimeUs),
    ).toBe(true);
    const firstDay = spans.filter((s) => s.startTimeUs < startUs + DAY_MS * 1000).length;
    expect(firstDay).toBeGreaterThan(0);
    const narrow = [...generateSpans({ ...base, spans: 500, windowMs: 3_600_000 })];
    expect(narrow.every((s) => s.startTimeUs >= endUs - 3_600_000_000)).toBe(true);
  });

  it('comes out in export order like live traffic: each batch is a short stretch of time', () => {
    const batches = [...generateBatches({ ...base, batchSize: 512 })];
    for (const batch of batches.slice(0, -1)) {
      const ends = batch.map((s) => s.endTimeUs);
      expect(Math.max(...ends) - Math.min(...ends)).toBeLessThan(DAY_MS * 1000);
    }
    const ends = spans.map((s) => s.endTimeUs);
    const inOrder = ends.filter((e, i) => i === 0 || e >= ends[i - 1]!).length;
    expect(inOrder / ends.length).toBeGreaterThan(0.99);
  });

  it('uses the realistic model mix, including a model without a price', () => {
    const models = new Set(chats.map((s) => s.attributes['gen_ai.request.model']));
    expect([...models].sort()).toEqual(MODELS.map((m) => m.request).sort());
  });

  it('re-sends the history on every call of a session', () => {
    const bySession = new Map<string, OtlpSpan[]>();
    for (const s of chats) {
      const id = s.attributes['gen_ai.conversation.id'] as string | undefined;
      if (id) bySession.set(id, [...(bySession.get(id) ?? []), s]);
    }
    let checked = 0;
    for (const calls of bySession.values()) {
      calls.sort((a, b) => a.startTimeUs - b.startTimeUs);
      for (let i = 1; i < calls.length; i++) {
        if (calls[i - 1]!.status.code === 2) continue;
        const previous = [...inputOf(calls[i - 1]!), ...outputOf(calls[i - 1]!)].map((m) => ({
          role: m.role,
          parts: m.parts,
        }));
        expect(inputOf(calls[i]!).slice(0, previous.length)).toEqual(previous);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('has tool calls with results, system prompts, errors at a small rate and spans without a session', () => {
    const roles = new Set(chats.flatMap((s) => inputOf(s).map((m) => m.role)));
    expect([...roles].sort()).toEqual(['assistant', 'system', 'tool', 'user']);
    expect(chats.some((s) => s.attributes['gen_ai.system_instructions'] !== undefined)).toBe(true);
    expect(spans.some((s) => s.name.startsWith('execute_tool '))).toBe(true);
    const errors = chats.filter((s) => s.status.code === 2).length / chats.length;
    expect(errors).toBeGreaterThan(0.005);
    expect(errors).toBeLessThan(0.05);
    const noSession =
      chats.filter((s) => s.attributes['gen_ai.conversation.id'] === undefined).length / chats.length;
    expect(noSession).toBeGreaterThan(0.005);
    expect(noSession).toBeLessThan(0.15);
    expect(chats.some((s) => typeof s.attributes['gen_ai.usage.cache_read.input_tokens'] === 'number')).toBe(
      true,
    );
  });

  it('puts the aggregate usage on invoke_agent spans, equal to the sum of their model calls', () => {
    const agents = spans.filter(
      (s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent' && s.status.code !== 2,
    );
    let compared = 0;
    for (const agent of agents) {
      const children = chats.filter((c) => c.parentSpanId === agent.spanId);
      if (children.length === 0) continue; // truncated at the end of the stream
      const sum = children.reduce((n, c) => n + (c.attributes['gen_ai.usage.input_tokens'] as number), 0);
      expect(agent.attributes['gen_ai.usage.input_tokens']).toBe(sum);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
    const http = spans.find((s) => s.kind === 2)!;
    expect(http.parentSpanId).toBe('');
    expect(spans.find((s) => s.parentSpanId === http.spanId)!.name).toMatch(/^invoke_agent /);
  });
});
