/**
 * Probe: opening one session from a collector's data directory the way the viewer's worker does
 * on a cold link (the candidate row groups decoded before parquet-wasm is compiled, rows filtered to the session, then
 * sessionRowsFast and buildSessionDetail), timed per stage, each run in a fresh Node process so
 * that every run starts with a cold JIT as the worker does.
 *
 *   node scripts/bench-long-session/run.ts DATA_DIR SESSION_KEY [--runs 7]
 *
 * Prints one JSON line per run (ms per stage, messages shown) and the medians.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AsyncBuffer } from 'hyparquet';
import { MESSAGES_COLUMNS, SPANS_COLUMNS } from '@parley/shared/schema';
import { parseSessionKey } from '@parley/shared/sql/query';
import type { Manifest } from '@parley/shared/manifest';
import { WHOLE_FILE_BYTES } from '../../viewer/src/lib/engine/byte-source.ts';
import {
  decodeGroups,
  readColumns,
  readMetadata,
  selectRows,
  type ColumnBatch,
} from '../../viewer/src/lib/engine/parquet-read.ts';
import { candidateGroups, candidateRanges } from '../../viewer/src/lib/engine/row-groups.ts';
import { sessionDetailFromRows } from '../../viewer/src/lib/engine/session-detail.ts';
import { sessionRowsFast } from '@parley/shared/session-fast';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string' }, once: { type: 'boolean' } },
});
const [dataDir, key] = positionals;
if (!dataDir || !key) throw new Error('usage: run.ts DATA_DIR SESSION_KEY [--runs N]');

/** A file held in memory, as the loader holds a small one it fetched whole. */
function buffer(bytes: Uint8Array): AsyncBuffer {
  return { byteLength: bytes.byteLength, slice: (start, end) => bytes.slice(start, end).buffer };
}

async function once(): Promise<Record<string, number>> {
  const manifest = JSON.parse(await readFile(join(dataDir as string, 'manifest.json'), 'utf8')) as Manifest;
  const k = parseSessionKey(key as string);
  const sid = k.kind === 'session' ? k.sessionId : null;
  const files = await Promise.all(
    manifest.files
      .filter((f) => f.table === 'spans' || f.table === 'messages')
      .map(async (f) => ({
        table: f.table,
        bytes: new Uint8Array(await readFile(join(dataDir as string, f.path))),
      })),
  );
  const t0 = performance.now();
  const read = async (table: 'spans' | 'messages'): Promise<ColumnBatch> => {
    const columns = (table === 'spans' ? SPANS_COLUMNS.filter((c) => !c.heavy) : MESSAGES_COLUMNS).map(
      (c) => c.name,
    );
    const batches: ColumnBatch[] = [];
    for (const f of files.filter((x) => x.table === table)) {
      const file = buffer(f.bytes);
      const m = await readMetadata(file, table);
      const filter = { sessionId: sid };
      // As the loader before parquet-wasm is compiled (a cold link): small files are in memory.
      if (f.bytes.byteLength <= WHOLE_FILE_BYTES) {
        const groups = new Set(candidateGroups(m, filter));
        if (groups.size > 0) batches.push(await decodeGroups(file, m, columns, groups));
        continue;
      }
      const ranges = candidateRanges(m, filter);
      if (ranges.length > 0) batches.push(await readColumns(file, m, columns, ranges));
    }
    return selectRows(batches, columns, (b, i) => b.columns.session_id?.[i] === sid);
  };
  const spans = await read('spans');
  const messages = await read('messages');
  const t1 = performance.now();
  const rows = sessionRowsFast(key as string, spans, messages);
  const t2 = performance.now();
  if (!rows) throw new Error('sessionRowsFast gave null: not exact for these rows');
  const detail = sessionDetailFromRows(key as string, rows);
  const t3 = performance.now();
  return {
    rowsIn: messages.length,
    read: Math.round(t1 - t0),
    fast: Math.round(t2 - t1),
    build: Math.round(t3 - t2),
    total: Math.round(t3 - t0),
    shown: detail.messages.length,
    // The same digest before and after a change: what is shown did not change.
    digest: parseInt(createHash('sha1').update(JSON.stringify(detail)).digest('hex').slice(0, 8), 16),
  };
}

if (values.once) {
  console.log(JSON.stringify(await once()));
} else {
  const runs = Number(values.runs ?? 7);
  const results: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), dataDir, key, '--once'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const line = JSON.parse(r.stdout.trim()) as Record<string, number>;
    console.log(JSON.stringify(line));
    results.push(line);
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const keys = ['read', 'fast', 'build', 'total'];
  console.log(
    JSON.stringify({
      median: Object.fromEntries(keys.map((k) => [k, median(results.map((r) => r[k] as number))])),
    }),
  );
}
