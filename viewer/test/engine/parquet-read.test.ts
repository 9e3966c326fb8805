/** Reading a real DuckDB-written snapshot over real HTTP range requests, and pruning row groups. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AsyncBuffer } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '@parley/shared/manifest';
import { urlSource, type FetchCounter } from '../../src/lib/engine/byte-source.ts';
import { EngineFailure } from '../../src/lib/engine/errors.ts';
import { filesForSession, parseManifest, type CatalogFile } from '../../src/lib/engine/manifest.ts';
import { MESSAGES_COLUMNS, SPANS_COLUMNS } from '@parley/shared/schema';
import {
  allRows,
  columnNames,
  decodeGroups,
  guessTable,
  readColumns,
  readMetadata,
  selectRows,
  type ColumnBatch,
} from '../../src/lib/engine/parquet-read.ts';
import { candidateGroups, candidateRanges } from '../../src/lib/engine/row-groups.ts';
import { writeSnapshot } from './snapshot-writer.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';

let dir: string;
let server: StaticServer;
let manifest: Manifest;
let files: CatalogFile[];
const counter: FetchCounter = { bytes: 0, onFetched: () => undefined };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-engine-'));
  manifest = await writeSnapshot(join(dir, 'snap'), {
    sessions: 3000,
    spansPerSession: 10,
    days: 0.5,
    endIso: '2026-11-26T00:00:00Z',
    rowGroupSize: 2048,
  });
  await writeFile(
    join(dir, 'snap', 'not-parquet.parquet'),
    'this is not parquet, only text pretending to be one',
  );
  server = await startStaticServer({ '/data/': join(dir, 'snap') });
  const parsed = parseManifest(await readFile(join(dir, 'snap', 'manifest.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  files = parsed.files;
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A file fetched whole, as the loader holds a small one. */
const inMemory = (bytes: Uint8Array): AsyncBuffer => ({
  byteLength: bytes.byteLength,
  slice: (start, end) => bytes.slice(start, end).buffer,
});
const source = (f: CatalogFile) => urlSource(`${server.url}/data/${f.path}`, f.bytes, server.url, counter);

describe('Parquet over HTTP', () => {
  it('reads a sessions file with its contract columns and microsecond timestamps', async () => {
    const f = files.find((x) => x.table === 'sessions') as CatalogFile;
    const m = await readMetadata(source(f), f.path);
    expect(guessTable(columnNames(m))).toBe('sessions');
    const batch = await readColumns(
      source(f),
      m,
      ['session_id', 'first_time', 'models', 'llm_calls', 'total_cost_usd'],
      allRows(m),
    );
    expect(batch.length).toBe(f.rows);
    const first = batch.columns.first_time as number[];
    expect(first.every((t) => t >= f.minUs && t <= f.maxUs)).toBe(true);
    expect((batch.columns.models as unknown[]).every((v) => Array.isArray(v))).toBe(true);
  });

  it('names a non-Parquet file as such', async () => {
    const err = await readMetadata(
      urlSource(`${server.url}/data/not-parquet.parquet`, 51, server.url, counter),
      'not-parquet.parquet',
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineFailure);
    expect((err as EngineFailure).error.kind).toBe('not-parquet');
  });

  it('reports a 404 as an answer of the server, with its status', async () => {
    const err = await Promise.resolve(
      urlSource(`${server.url}/data/missing.parquet`, 5000, server.url, counter).slice(0, 10),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as EngineFailure).error).toMatchObject({ kind: 'http-status', status: 404 });
  });
});

describe('row-group pruning', () => {
  it('reads only the row groups that can hold a session, and they do hold all of its rows', async () => {
    const big = files.filter((f) => f.table === 'messages').sort((a, b) => b.rows - a.rows)[0] as CatalogFile;
    const m = await readMetadata(source(big), big.path);
    expect(m.row_groups.length).toBeGreaterThan(1);
    const all = await readColumns(source(big), m, ['session_id', 'seq'], allRows(m));
    const ids = (all.columns.session_id as (string | null)[]).filter((s): s is string => s !== null);
    const sid = ids[Math.floor(ids.length / 2)] as string;
    const expected = ids.filter((s) => s === sid).length;

    const ranges = candidateRanges(m, { sessionId: sid });
    const covered = ranges.reduce((n, r) => n + r.end - r.start, 0);
    expect(covered).toBeLessThan(Number(m.num_rows));
    const pruned = await readColumns(source(big), m, ['session_id'], ranges);
    expect((pruned.columns.session_id as unknown[]).filter((s) => s === sid)).toHaveLength(expected);
    expect(
      filesForSession(files, 'messages', sid, { fromUs: big.minUs, toUs: big.maxUs }).map((f) => f.path),
    ).toContain(big.path);
  });

  it('keeps groups with NULL session ids for sessionless traces', async () => {
    const f = files.filter((x) => x.table === 'spans').sort((a, b) => b.rows - a.rows)[0] as CatalogFile;
    const m = await readMetadata(source(f), f.path);
    const ranges = candidateRanges(m, { sessionId: null });
    const batch = await readColumns(source(f), m, ['session_id'], ranges);
    const all = await readColumns(source(f), m, ['session_id'], allRows(m));
    const nulls = (all.columns.session_id as unknown[]).filter((s) => s === null).length;
    expect(nulls).toBeGreaterThan(0);
    expect((batch.columns.session_id as unknown[]).filter((s) => s === null)).toHaveLength(nulls);
  });

  it('prunes by time statistics', () => {
    const groups = [
      { min: 0, max: 10 },
      { min: 200e9, max: 300e9 },
    ].map((g) => ({
      num_rows: 5n,
      total_byte_size: 0n,
      columns: [
        {
          file_offset: 0n,
          meta_data: { path_in_schema: ['start_time'], statistics: { min_value: g.min, max_value: g.max } },
        },
      ],
    }));
    const ranges = candidateRanges(
      { row_groups: groups as never },
      { time: { fromUs: 250e9, toUs: 260e9 }, timeColumn: 'start_time' },
    );
    expect(ranges).toEqual([{ start: 5, end: 10 }]);
  });

  it("decodes a session's row groups with the flat reader to the rows hyparquet reads", async () => {
    for (const table of ['spans', 'messages'] as const) {
      const columns = (table === 'spans' ? SPANS_COLUMNS.filter((c) => !c.heavy) : MESSAGES_COLUMNS).map(
        (c) => c.name,
      );
      const f = files.filter((x) => x.table === table).sort((a, b) => b.rows - a.rows)[0] as CatalogFile;
      const file = inMemory(new Uint8Array(await source(f).slice(0, f.bytes)));
      const m = await readMetadata(file, f.path);
      const ids = (await readColumns(file, m, ['session_id'], allRows(m))).columns.session_id as unknown[];
      const sid = ids.find((s, i) => typeof s === 'string' && i > ids.length / 2) as string;
      const groups = candidateGroups(m, { sessionId: sid });
      expect(groups.length).toBeLessThan(m.row_groups.length);
      const mine = (b: ColumnBatch, i: number): boolean => b.columns.session_id?.[i] === sid;
      const flat = selectRows([await decodeGroups(file, m, columns, new Set(groups))], columns, mine);
      const generic = selectRows(
        [await readColumns(file, m, columns, candidateRanges(m, { sessionId: sid }))],
        columns,
        mine,
      );
      expect(flat.length).toBeGreaterThan(0);
      // The generic reader gives 64-bit integers as bigint, the flat one as numbers: both read alike.
      const plain = (b: ColumnBatch) =>
        Object.fromEntries(
          Object.entries(b.columns).map(([c, v]) => [
            c,
            v.map((x) => (typeof x === 'bigint' ? Number(x) : x)),
          ]),
        );
      expect(plain(flat)).toEqual(plain(generic));
    }
  });
});

describe('selectRows', () => {
  it('keeps the rows asked for, batch after batch in order, a column a batch lacks as NULL', () => {
    const a: ColumnBatch = { length: 3, columns: { id: ['x', 'y', 'x'], n: [1, 2, 3] } };
    const b: ColumnBatch = { length: 2, columns: { id: ['x', 'z'] } };
    const kept = selectRows([a, b], ['id', 'n', 'gone'], (batch, i) => batch.columns.id?.[i] === 'x');
    expect(kept).toEqual({
      length: 3,
      columns: { id: ['x', 'x', 'x'], n: [1, 3, null], gone: [null, null, null] },
    });
  });
});

describe('manifest of the written snapshot', () => {
  it('lists every table', () => {
    expect(new Set(manifest.files.map((f) => f.table))).toEqual(new Set(['spans', 'messages', 'sessions']));
  });
});
