/**
 * Every captured fixture through the real collector over every transport, read back from
 * Parquet with DuckDB, must reproduce the fixture's ground truth exactly.
 */
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import { listFixtures, type Fixture, type FixtureBody } from '@parley/test-data/fixtures';
import { describe, expect, it, vi } from 'vitest';
import { startTestCollector, type TestCollector } from './helpers/collector.ts';
import {
  expectedOf,
  expectedSummaryOf,
  observeSession,
  observeSummary,
  storedSessionIds,
} from './helpers/ground-truth.ts';
import { grpcExport } from './helpers/grpc-client.ts';
import { post } from './helpers/http.ts';
import { CONTENT_TYPE } from './helpers/otlp-bodies.ts';

// Real servers, DuckDB and child processes on a shared 2-core machine: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Transport = 'http' | 'http-gzip' | 'http-deflate' | 'grpc' | 'http-logs-first';

async function send(collector: TestCollector, transport: Transport, body: FixtureBody): Promise<void> {
  if (transport === 'grpc') {
    const reply = await grpcExport(collector.grpcPort as number, body.signal, body.bytes);
    expect(reply, body.file).toMatchObject({ ok: true });
    return;
  }
  const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPE[body.encoding] };
  let bytes: Uint8Array = body.bytes;
  if (transport === 'http-gzip') {
    bytes = zlib.gzipSync(bytes);
    headers['Content-Encoding'] = 'gzip';
  } else if (transport === 'http-deflate') {
    bytes = zlib.deflateSync(bytes);
    headers['Content-Encoding'] = 'deflate';
  }
  const reply = await post(`${collector.url}/v1/${body.signal}`, bytes, headers);
  expect(reply.status, `${body.file}: ${reply.text}`).toBe(200);
}

function transportsFor(fixture: Fixture): Transport[] {
  const encoding = fixture.bodies[0]?.encoding;
  const out: Transport[] = ['http', 'http-gzip'];
  if (encoding === 'protobuf') out.push('grpc');
  else out.push('http-deflate');
  if (fixture.bodies.some((b) => b.signal === 'logs')) out.push('http-logs-first');
  return out;
}

const fixtures = listFixtures();
const cases = fixtures.flatMap((fixture) =>
  transportsFor(fixture).map((transport) => ({
    name: `${fixture.name} over ${transport}`,
    fixture,
    transport,
  })),
);

describe('captured fixtures end to end', () => {
  it('has fixtures in both encodings, traces and logs', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(2);
    expect(new Set(fixtures.flatMap((f) => f.bodies.map((b) => b.encoding)))).toEqual(
      new Set(['protobuf', 'json']),
    );
    expect(fixtures.some((f) => f.bodies.some((b) => b.signal === 'logs'))).toBe(true);
  });

  it.each(cases)(
    '$name reproduces the ground truth',
    async ({ fixture, transport }) => {
      const collector = await startTestCollector({ grpcPort: transport === 'grpc' ? 0 : null });
      try {
        const bodies =
          transport === 'http-logs-first'
            ? [
                ...fixture.bodies.filter((b) => b.signal === 'logs'),
                ...fixture.bodies.filter((b) => b.signal === 'traces'),
              ]
            : fixture.bodies;
        for (const body of bodies) await send(collector, transport, body);
        await collector.pipeline.flush();

        const expectedIds = fixture.groundTruth.sessions
          .map((s) => s.session_id)
          .filter((s): s is string => s !== null)
          .sort();
        expect(await storedSessionIds(collector.dataDir)).toEqual(expectedIds);
        for (const session of fixture.groundTruth.sessions) {
          expect(
            await observeSession(collector.dataDir, session),
            `session ${session.session_id ?? session.trace_ids?.join(',')}`,
          ).toEqual(expectedOf(session));
          expect(
            await observeSummary(collector.dataDir, session),
            `summary of ${session.session_id ?? session.trace_ids?.join(',')}`,
          ).toEqual(expectedSummaryOf(session));
        }
      } finally {
        await collector.close();
        await fs.rm(collector.dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
