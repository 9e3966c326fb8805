import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSpans } from '../src/synthetic/generate.ts';
import { writeParquetDataset } from '../src/synthetic/parquet.ts';

// DuckDB and the storage pipeline on a shared 2-core machine: generous, speed is not under test.
vi.setConfig({ testTimeout: 60_000 });

const options = {
  spans: 400,
  sessions: 40,
  seed: 3,
  endMs: Date.parse('2026-11-20T00:00:00Z'),
  windowMs: 6 * 3_600_000,
  batchSize: 128,
};
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-synthetic-'));
  await writeParquetDataset(dir, options);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('synthetic Parquet dataset (through the collector storage pipeline)', () => {
  it('holds every generated span once, with one LLM call per chat span', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      files: { table: string; path: string }[];
    };
    const files = manifest.files.filter((f) => f.table === 'spans').map((f) => join(dir, f.path));
    expect(files.length).toBeGreaterThan(0);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const reader = await conn.runAndReadAll(
        `select count(*)::int as n, count(distinct span_id)::int as distinct_spans,
                count(*) filter (where is_llm_call)::int as llm_calls,
                coalesce(sum(input_tokens) filter (where is_llm_call), 0)::bigint as input_tokens
         from read_parquet($files, union_by_name = true)`,
        { files: listValue(files) },
        { files: LIST(VARCHAR) },
      );
      const row = reader.getRowObjectsJS()[0]!;
      const generated = [...generateSpans(options)];
      const chats = generated.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      const inputTokens = chats.reduce(
        (n, s) => n + ((s.attributes['gen_ai.usage.input_tokens'] as number | undefined) ?? 0),
        0,
      );
      expect(row['n']).toBe(400);
      expect(row['distinct_spans']).toBe(400);
      expect(row['llm_calls']).toBe(chats.length);
      expect(Number(row['input_tokens'])).toBe(inputTokens);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
