/**
 * readFlatColumn against hyparquet's own reader on DuckDB-written files: NULLs (some pages with,
 * some without), non-ASCII and long strings, dictionary and plain pages, timestamps in three units,
 * several row groups, each codec DuckDB writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFlatColumn } from '../../src/lib/engine/flat-column.ts';
import {
  columnNames,
  decodeRows,
  decodeWhole,
  PARSERS,
  readMetadata,
} from '../../src/lib/engine/parquet-read.ts';
import { stringHash } from '@parley/shared/sessions-page-fast';

let dir: string;
const CODECS = ['snappy', 'zstd', 'uncompressed', 'gzip'] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-flat-'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`CREATE TABLE t AS SELECT
      i,
      'sess-' || lpad(to_hex(hash(i) % 1000000), 12, '0') AS ascii_id,
      CASE WHEN i % 7 = 0 THEN NULL ELSE 'ü-' || (i % 50)::VARCHAR || '-ß' END AS unicode_dict,
      CASE WHEN i < 3000 THEN NULL ELSE repeat('x', 60 + i % 20) || i::VARCHAR END AS long_plain,
      CASE WHEN i % 11 = 0 THEN NULL ELSE 'model-' || (i % 3)::VARCHAR END AS low_card,
      make_timestamp(1764000000000000 + i * 1234567) AS ts_us,
      CASE WHEN i % 5 = 0 THEN NULL ELSE make_timestamp(1764000000000000 - i * 999)::TIMESTAMPTZ END AS ts_tz,
      make_timestamp(1764000000000000 + i)::TIMESTAMP_MS AS ts_ms,
      make_timestamp(1764000000000000 + i)::TIMESTAMP_NS AS ts_ns,
      CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1000003 END AS big,
      (hash(i) >> 1)::BIGINT * CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END AS key,
      (i % 9)::INTEGER AS small,
      CASE WHEN i % 4 = 0 THEN NULL ELSE i / 7.0 END AS dbl,
      i % 2 = 0 AS flag,
      [('m' || (i % 4)::VARCHAR)] AS models
    FROM range(10000) r(i)`);
  for (const codec of CODECS)
    await c.run(
      `COPY t TO '${join(dir, `${codec}.parquet`)}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`,
    );
  c.closeSync();
  db.closeSync();
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function reference(file: Parameters<typeof parquetRead>[0]['file'], column: string, rows: number) {
  const out = new Array<unknown>(rows).fill(null);
  await parquetRead({
    file,
    columns: [column],
    compressors,
    parsers: PARSERS,
    onChunk: (chunk) => {
      const data = chunk.columnData as ArrayLike<unknown>;
      for (let i = 0; i < data.length; i++) out[chunk.rowStart + i] = data[i] ?? null;
    },
  });
  return out;
}

describe('readFlatColumn', () => {
  for (const codec of CODECS)
    it(`decodes every flat column as hyparquet does (${codec})`, async () => {
      const bytes = await readFile(join(dir, `${codec}.parquet`));
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const file = { byteLength: buffer.byteLength, slice: (s: number, e?: number) => buffer.slice(s, e) };
      const metadata = await readMetadata(file, codec);
      expect(metadata.row_groups.length).toBeGreaterThan(1);
      const rows = Number(metadata.num_rows);
      const hashed: string[] = [];
      for (const column of columnNames(metadata)) {
        const flat = await readFlatColumn(file, metadata, column, PARSERS, compressors);
        if (column === 'models') {
          expect(flat).toBeNull();
          continue;
        }
        expect(flat, column).not.toBeNull();
        const expected = await reference(file, column, rows);
        // 64-bit integers come as the numbers Number(bigint) gives.
        expect(flat?.values, column).toEqual(expected.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
        if (!flat?.hashes) continue;
        hashed.push(column);
        flat.values.forEach((v, i) => {
          const exact = expected[i];
          if (typeof v === 'string') expect(flat.hashes?.[i]).toBe(stringHash(v));
          // Integers: their low 32 bits, exact where the number alone is not.
          else if (typeof exact === 'bigint') expect(flat.hashes?.[i]).toBe(Number(BigInt.asIntN(32, exact)));
        });
      }
      // Strings of PLAIN pages come with their hashes, unless one is not ASCII; integers of PLAIN
      // pages with their low bits; others never.
      expect(hashed).toEqual(['i', 'ascii_id', 'long_plain', 'big', 'key']);
    });

  it('decodes the row groups of some rows as the whole file has them, and no others', async () => {
    for (const codec of CODECS) {
      const bytes = await readFile(join(dir, `${codec}.parquet`));
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const file = { byteLength: buffer.byteLength, slice: (s: number, e?: number) => buffer.slice(s, e) };
      const metadata = await readMetadata(file, codec);
      const names = [...columnNames(metadata), 'not_a_column'];
      const whole = await decodeWhole(file, metadata, names);
      // Rows in the first, third and last row groups of 2,048.
      const rows = [5, 4100, 4101, 9999];
      const some = await decodeRows(file, metadata, names, rows);
      expect(some.length).toBe(10_000);
      expect(some.columns.not_a_column).toBeUndefined();
      for (const name of columnNames(metadata)) {
        const got = some.columns[name] ?? [];
        for (const i of [0, 2047, 4096, 6143, 8192, 9999, ...rows])
          expect(got[i], `${codec} ${name} ${i}`).toEqual(whole.columns[name]?.[i]);
        // The second and fourth row groups were not read.
        expect(got[2048]).toBeUndefined();
        expect(got[6144]).toBeUndefined();
      }
    }
  });

  it('keeps NULLs, non-ASCII and long strings', async () => {
    const bytes = await readFile(join(dir, 'snappy.parquet'));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const file = { byteLength: buffer.byteLength, slice: (s: number, e?: number) => buffer.slice(s, e) };
    const metadata = await readMetadata(file, 'snappy');
    const read = async (column: string) =>
      (await readFlatColumn(file, metadata, column, PARSERS, undefined))?.values;
    const unicode = await read('unicode_dict');
    const long = await read('long_plain');
    const ts = await read('ts_us');
    expect(unicode?.slice(0, 3)).toEqual([null, 'ü-1-ß', 'ü-2-ß']);
    expect(long?.[2999]).toBeNull();
    expect(long?.[3001]).toBe(`${'x'.repeat(60 + (3001 % 20))}3001`);
    expect(ts?.[9999]).toBe(1764000000000000 + 9999 * 1234567);
  });
});
