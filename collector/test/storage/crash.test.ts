import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hexId } from './otlp-builders.ts';
import { manifestOf, parquetFacts, queryTable, tempDir } from './harness.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const NODE = process.execPath;
/** The start of a record header announcing more bytes than follow. */
const TORN_RECORD = Buffer.from([0x00, 0x10, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00]);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Run {
  child: ChildProcess;
  acked: Array<[number, number]>;
  exited: Promise<number | null>;
  /** Resolves once at least `n` acks were printed. */
  acks(n: number): Promise<void>;
}

function startChild(dataDir: string, args: string[]): Run {
  const child = spawn(NODE, [CHILD, dataDir, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked: Array<[number, number]> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const m = /^ack (\d+) (\d+)$/.exec(line);
      if (m) acked.push([Number(m[1]), Number(m[2])]);
    }
    for (const w of waiters.splice(0)) {
      if (acked.length >= w.n) w.resolve();
      else waiters.push(w);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    acked,
    exited,
    acks: (n) =>
      new Promise<void>((resolve, reject) => {
        if (acked.length >= n) return resolve();
        waiters.push({ n, resolve });
        void exited.then(() => reject(new Error(`child exited after ${acked.length} acks`)));
      }),
  };
}

describe('crash safety', () => {
  it.each([
    { wal: 'decoded objects', form: [] as string[] },
    { wal: 'raw OTLP/JSON bodies', form: ['--raw'] },
  ])(
    'keeps every acknowledged span exactly once across kill -9 and restarts ($wal)',
    async ({ form }) => {
      const dir = await tempDir('parley-crash-');
      cleanups.push(dir.cleanup);
      const acked = new Set<number>();
      let nextStart = 1;
      for (let round = 0; round < 4; round++) {
        const run = startChild(dir.path, ['--ingest', String(nextStart), ...form]);
        // Kill at a different point each round: after 20..170 acknowledged requests.
        await run.acks(20 + Math.floor(Math.random() * 150));
        run.child.kill('SIGKILL');
        expect(await run.exited).toBe(null);
        for (const [first, count] of run.acked) for (let i = 0; i < count; i++) acked.add(first + i);
        nextStart += 1_000_000;
        if (round === 2) {
          // A torn record at the tail of the newest segment (a write cut short) must be tolerated.
          // The newest segment holding records (an empty one is also prepared ahead of use).
          const wal = join(dir.path, '_wal');
          const segments: string[] = [];
          for (const name of (await readdir(wal)).filter((n) => n.endsWith('.wal')).sort()) {
            if ((await stat(join(wal, name))).size > 0) segments.push(name);
          }
          const last = segments.at(-1);
          if (last !== undefined) await appendFile(join(dir.path, '_wal', last), TORN_RECORD);
        }
      }
      const drain = startChild(dir.path, ['--drain']);
      expect(await drain.exited).toBe(0);

      const manifest = await manifestOf(dir.path);
      for (const file of manifest.files) {
        expect((await parquetFacts(join(dir.path, file.path))).rows).toBe(file.rows);
      }
      const rows = await queryTable(
        dir.path,
        'spans',
        'SELECT span_id, count(*)::INTEGER AS n FROM t GROUP BY span_id',
      );
      const seen = new Map(rows.map((r) => [String(r.span_id), Number(r.n)]));
      expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
      const missing = [...acked].filter((n) => !seen.has(hexId(n, 16)));
      expect(missing).toEqual([]);
      expect(acked.size).toBeGreaterThan(0);
      const [totals] = await queryTable(dir.path, 'sessions', 'SELECT sum(spans)::INTEGER AS spans FROM t');
      expect(totals?.spans).toBe(seen.size);
    },
    180_000,
  );
});
