import { describe, expect, it } from 'vitest';
import { listFixtures, type Fixture, type GroundTruth } from '../src/fixtures.ts';

const fixtures = listFixtures();
const LIBRARIES = [
  'langfuse',
  'openinference',
  'otel-openai',
  'traceloop',
  'traceloop-sdk',
  'vercel-ai',
  'vercel-ai-v7',
];

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(Buffer.from(needle));
}

function anyBodyContains(fixture: Fixture, needle: Uint8Array): boolean {
  return fixture.bodies.some((b) => contains(b.bytes, needle));
}

/** Ground truth without what differs between two runs (trace ids). */
function runIndependent(truth: GroundTruth): unknown {
  return { ...truth, sessions: truth.sessions.map(({ trace_ids: _ids, ...rest }) => rest) };
}

describe('captured fixtures', () => {
  it('cover every library in both encodings', () => {
    expect(fixtures.map((f) => f.name)).toEqual(LIBRARIES.flatMap((l) => [`${l}-json`, `${l}-protobuf`]));
  });

  it('stay small enough to commit', () => {
    const total = fixtures.reduce((n, f) => n + f.bodies.reduce((m, b) => m + b.bytes.length, 0), 0);
    expect(total).toBeLessThan(3_000_000);
  });

  describe.each(fixtures)('$name', (fixture) => {
    const encoding = fixture.name.endsWith('-json') ? 'json' : 'protobuf';

    it('has non-empty bodies in its own encoding, spans among them', () => {
      expect(fixture.bodies.length).toBeGreaterThan(0);
      expect(fixture.bodies.some((b) => b.signal === 'traces')).toBe(true);
      for (const body of fixture.bodies) {
        expect(body.encoding).toBe(encoding);
        expect(body.bytes.length).toBeGreaterThan(0);
      }
    });

    it('has well-formed bodies', () => {
      for (const body of fixture.bodies) {
        if (body.encoding === 'json') {
          const parsed = JSON.parse(new TextDecoder().decode(body.bytes)) as Record<string, unknown[]>;
          const top = body.signal === 'traces' ? 'resourceSpans' : 'resourceLogs';
          expect(Object.keys(parsed)).toEqual([top]);
          expect(parsed[top]!.length).toBeGreaterThan(0);
        } else {
          // Field 1 (resource_spans / resource_logs), wire type 2 (length-delimited).
          expect(body.bytes[0]).toBe(0x0a);
        }
      }
    });

    it('has self-consistent ground truth', () => {
      const truth = fixture.groundTruth;
      expect(truth.library).not.toBe('');
      expect(truth.convention).not.toBe('');
      expect(truth.notes.length).toBeGreaterThan(0);
      const ids = truth.sessions.map((s) => s.session_id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const session of truth.sessions) {
        expect(session.llm_calls).toBeGreaterThan(0);
        expect(session.errors).toBeLessThanOrEqual(session.llm_calls);
        for (const n of [session.input_tokens, session.output_tokens, session.cached_input_tokens])
          expect(Number.isInteger(n) && n >= 0).toBe(true);
        expect(session.cached_input_tokens).toBeLessThanOrEqual(session.input_tokens);
        expect(session.models).toEqual([...new Set(session.models)].sort());
        if (session.errors === session.llm_calls)
          expect(session.input_tokens + session.output_tokens + session.models.length).toBe(0);
        expect(session.messages.length).toBeGreaterThan(0);
        for (const message of session.messages) {
          expect(['system', 'user', 'assistant', 'tool']).toContain(message.role);
          if (message.role === 'tool') expect(typeof message.tool_call_id).toBe('string');
        }
        if (session.session_id === null) {
          expect(session.trace_ids?.length).toBeGreaterThan(0);
          for (const id of session.trace_ids ?? []) expect(id).toMatch(/^[0-9a-f]{32}$/);
        } else {
          expect(session.trace_ids).toBeUndefined();
        }
      }
    });

    it('names sessions and traces that really are in its bodies', () => {
      for (const session of fixture.groundTruth.sessions) {
        if (session.session_id !== null)
          expect(anyBodyContains(fixture, new TextEncoder().encode(session.session_id))).toBe(true);
        for (const traceId of session.trace_ids ?? []) {
          const needle =
            encoding === 'json' ? new TextEncoder().encode(`"${traceId}"`) : Buffer.from(traceId, 'hex');
          expect(anyBodyContains(fixture, needle)).toBe(true);
        }
      }
    });

    it('agrees with the other encoding of the same library', () => {
      const twin = fixtures.find(
        (f) =>
          f.name === fixture.name.replace(/-(json|protobuf)$/, encoding === 'json' ? '-protobuf' : '-json'),
      );
      expect(twin).toBeDefined();
      expect(runIndependent(fixture.groundTruth)).toEqual(runIndependent(twin!.groundTruth));
    });
  });
});
