/**
 * A call's raw attributes, resource attributes and events read lazily from a real DuckDB-written
 * snapshot over real HTTP range requests, compared with native DuckDB reading the same files.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlSource, type FetchCounter } from '../../src/lib/engine/byte-source.ts';
import { parseManifest, type CatalogFile } from '../../src/lib/engine/manifest.ts';
import { readMetadata } from '../../src/lib/engine/parquet-read.ts';
import { readSpanRaw, type SpanFile, type SpanRef } from '../../src/lib/engine/span-raw.ts';
import { writeSnapshot } from './snapshot-writer.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';

let dir: string;
let server: StaticServer;
let files: CatalogFile[];
const counter: FetchCounter = { bytes: 0, onFetched: () => undefined };

/** Calls picked across the snapshot, with their raw columns as native DuckDB reads them. */
let expected: Array<SpanRef & { attributes: string; resourceAttributes: string; events: string }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-span-raw-'));
  const root = join(dir, 'snap');
  await writeSnapshot(root, {
    sessions: 1500,
    spansPerSession: 6,
    days: 0.25,
    endIso: '2026-11-26T00:00:00Z',
    rowGroupSize: 2048,
  });
  server = await startStaticServer({ '/data/': root });
  const parsed = parseManifest(await readFile(join(root, 'manifest.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  files = parsed.files;
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const rows = (
    await con.runAndReadAll(`SELECT trace_id, span_id, epoch_us(start_time)::DOUBLE AS start_us,
        attributes, resource_attributes, events
      FROM read_parquet('${root}/spans/**/*.parquet', hive_partitioning = false)
      WHERE is_llm_call ORDER BY hash(span_id) LIMIT 5`)
  ).getRowObjectsJS();
  con.closeSync();
  db.closeSync();
  expected = rows.map((r) => ({
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    startUs: Number(r.start_us),
    attributes: String(r.attributes),
    resourceAttributes: String(r.resource_attributes),
    events: String(r.events),
  }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const open = (f: CatalogFile): SpanFile => {
  const file = urlSource(`${server.url}/data/${f.path}`, f.bytes, server.url, counter);
  return { file, metadata: readMetadata(file, f.path) };
};

describe('readSpanRaw', () => {
  it("reads one call's raw columns, as DuckDB reads them, from its own span file", async () => {
    expect(expected).toHaveLength(5);
    const spanBytes = files.filter((f) => f.table === 'spans').reduce((n, f) => n + f.bytes, 0);
    for (const { traceId, spanId, startUs, ...raw } of expected) {
      counter.bytes = 0;
      expect(await readSpanRaw(files, open, { traceId, spanId, startUs })).toEqual(raw);
      // One file of the snapshot's several (each hour's), not a scan of them all.
      expect(counter.bytes).toBeGreaterThan(0);
      expect(counter.bytes).toBeLessThan(spanBytes / 2);
    }
    expect(JSON.parse(expected[0]?.attributes ?? '')).toHaveProperty('gen_ai.request.model');
  });

  it('gives null for a span no file holds, and for a known span at another time', async () => {
    const [first] = expected;
    if (!first) throw new Error('no call picked');
    expect(await readSpanRaw(files, open, { ...first, spanId: 'f'.repeat(16) })).toBeNull();
    expect(await readSpanRaw(files, open, { ...first, startUs: first.startUs + 1 })).toBeNull();
  });
});
