import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/snapshot/cli.ts';
import { createSnapshot } from '../../src/snapshot/snapshot.ts';
import { loadManifest, saveManifest } from '../../src/storage/manifest-store.ts';
import { BASE_US, span, userMessageLog } from '../storage/otlp-builders.ts';
import { manifestOf, openPipeline, parquetFacts, queryTable, tempDir } from '../storage/harness.ts';

const BIN = fileURLToPath(new URL('../../bin/parley-snapshot.js', import.meta.url));
const HOUR_US = 3_600_000_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

let source: string;
beforeAll(async () => {
  const dir = await tempDir('parley-snapsrc-');
  source = dir.path;
  // Four hours of data, 10 spans per hour, with one message per span; several flushes per hour.
  const pipeline = await openPipeline(source);
  for (let hour = 0; hour < 4; hour++) {
    for (let half = 0; half < 2; half++) {
      const spans = Array.from({ length: 5 }, (_, i) => {
        const n = hour * 10 + half * 5 + i;
        return span({
          trace: n + 1,
          span: n + 1,
          startUs: BASE_US + hour * HOUR_US + n * 1_000_000,
          session: `s${n % 3}`,
          inputTokens: n,
        });
      });
      const logs = spans.map((s, i) =>
        userMessageLog(hour * 10 + half * 5 + i + 1, hour * 10 + half * 5 + i + 1, s.startTimeUs, `m${i}`),
      );
      await pipeline.ingest({ signal: 'traces', spans });
      await pipeline.ingest({ signal: 'logs', logs });
      await pipeline.flush();
    }
  }
  await pipeline.close();
  return dir.cleanup;
});

async function outDir(): Promise<string> {
  const dir = await tempDir('parley-snapout-');
  cleanups.push(dir.cleanup);
  return join(dir.path, 'snap');
}

function io(): { lines: string[]; errors: string[]; out(l: string): void; err(l: string): void } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('snapshot', () => {
  it('copies everything with --since all, and with no --until keeps spans dated after now', async () => {
    const out = await outDir();
    const cli = io();
    // "Now" two hours into the data: half of it is dated later, as a clock ahead would date it.
    const now = (BASE_US + 2 * HOUR_US) / 1000;
    expect(await runCli(['--from', source, '--since', 'all', '--out', out], cli, now)).toBe(0);
    expect(cli.lines[0]).toMatch(/^snapshot of the start \.\. the end written to .*: 40 spans, 40 messages/);
  });

  it('copies exactly the rows whose span started in the range, compacted, with a fresh manifest', async () => {
    const out = await outDir();
    const since = new Date((BASE_US + HOUR_US + 15 * 1_000_000) / 1000).toISOString();
    const until = new Date((BASE_US + 3 * HOUR_US) / 1000).toISOString();
    const cli = io();
    expect(await runCli(['--from', source, '--since', since, '--until', until, '--out', out], cli)).toBe(0);
    expect(cli.lines[0]).toMatch(/15 spans, 15 messages/);

    const manifest = await manifestOf(out);
    // hour 1 (spans 15..19) and hour 2 (20..29): one file per table and hour.
    expect(manifest.files.filter((f) => f.table === 'spans').map((f) => f.path)).toEqual([
      'spans/date=2026-11-26/hour=06/snapshot-000001.parquet',
      'spans/date=2026-11-26/hour=07/snapshot-000003.parquet',
    ]);
    // Session summaries: one file for the day, rebuilt from the copied spans.
    expect(manifest.files.filter((f) => f.table === 'sessions').map((f) => f.path)).toEqual([
      'sessions/date=2026-11-26/snapshot-000005.parquet',
    ]);
    expect(manifest.writer).toBeUndefined();
    for (const f of manifest.files) {
      expect((await stat(join(out, f.path))).size).toBe(f.bytes);
      expect((await parquetFacts(join(out, f.path))).rows).toBe(f.rows);
    }
    const spans = await queryTable(
      out,
      'spans',
      'SELECT min(input_tokens)::INTEGER AS lo, max(input_tokens)::INTEGER AS hi, count(*)::INTEGER AS n FROM t',
    );
    expect(spans).toEqual([{ lo: 15, hi: 29, n: 15 }]);
    const [msgs] = await queryTable(
      out,
      'messages',
      'SELECT count(*)::INTEGER AS n, count(session_id)::INTEGER AS with_session FROM t',
    );
    expect(msgs).toEqual({ n: 15, with_session: 15 });
    const [totals] = await queryTable(
      out,
      'sessions',
      'SELECT sum(spans)::INTEGER AS spans, sum(input_tokens)::INTEGER AS tin FROM t',
    );
    expect(totals).toEqual({
      spans: 15,
      tin: Array.from({ length: 15 }, (_, i) => 15 + i).reduce((a, b) => a + b, 0),
    });
    const entries = await readdir(join(out, '..'));
    expect(entries.filter((e) => e.includes('partial'))).toEqual([]);
  });

  it('writes a partition too large to sort at once as files of whole sessions, in session order', async () => {
    const out = await outDir();
    const sinceUs = BASE_US;
    const untilUs = BASE_US + HOUR_US;
    // A few spans' worth of column bytes: hour 0's 10 spans over 3 sessions cannot be one piece.
    const result = await createSnapshot({ from: source, out, sinceUs, untilUs, sortBytes: 3_000 });
    expect(result).toMatchObject({ ok: true, rows: { spans: 10, messages: 10 } });
    const manifest = await manifestOf(out);
    const spanFiles = manifest.files.filter((f) => f.table === 'spans');
    expect(spanFiles.length).toBeGreaterThan(1);
    // Consecutive session ranges: a session is in one file, each file after the one before.
    const ranges = spanFiles.map((f) => [f.min_session_id, f.max_session_id]);
    for (const [i, [, max]] of ranges.entries()) {
      const next = ranges[i + 1];
      if (next) expect(String(max) < String(next[0])).toBe(true);
    }
    const [spans] = await queryTable(
      out,
      'spans',
      'SELECT count(*)::INTEGER AS n, count(DISTINCT span_id)::INTEGER AS d, sum(input_tokens)::INTEGER AS tin FROM t',
    );
    expect(spans).toEqual({ n: 10, d: 10, tin: 45 });
    const [messages] = await queryTable(
      out,
      'messages',
      'SELECT count(DISTINCT span_id)::INTEGER AS n FROM t',
    );
    expect(messages).toEqual({ n: 10 });
  });

  it('cuts a session larger than a piece between its spans, keeping the layout order', async () => {
    const out = await outDir();
    // A budget below one row's bytes: every span is a piece of its own.
    const result = await createSnapshot({
      from: source,
      out,
      sinceUs: BASE_US,
      untilUs: BASE_US + HOUR_US,
      sortBytes: 1,
    });
    expect(result).toMatchObject({ ok: true, rows: { spans: 10, messages: 10 } });
    const spanFiles = (await manifestOf(out)).files.filter((f) => f.table === 'spans');
    expect(spanFiles.map((f) => f.rows)).toEqual(Array.from({ length: 10 }, () => 1));
    // In the order written: by session, then start time.
    const keys = spanFiles.map((f) => `${f.min_session_id} ${f.min_time}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(spanFiles.map((f) => f.min_session_id)).size).toBe(3);
  });

  it('runs as the parley-snapshot bin with a relative --since', async () => {
    const out = await outDir();
    // What a killed snapshot left behind goes; a live process's staging stays.
    const stale = join(out, '..', '.snap.partial-2147483646');
    const live = join(out, '..', `.snap.partial-${process.pid}`);
    await mkdir(stale);
    await mkdir(live);
    const result = spawnSync(
      process.execPath,
      [BIN, '--from', source, '--since', '100000d', '--until', '2030-01-01', '--out', out],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/40 spans, 40 messages/);
    expect((await readdir(join(out, '..'))).sort()).toEqual([`.snap.partial-${process.pid}`, 'snap']);
  }, 60_000);

  it('starts again from the current manifest when a source file is merged away while it copies', async () => {
    const live = await tempDir('parley-snaplive-');
    cleanups.push(live.cleanup);
    await cp(source, live.path, { recursive: true });
    const out = await outDir();
    let reads = 0;
    const result = await createSnapshot(
      { from: live.path, out, sinceUs: 0, untilUs: BASE_US + 10 * HOUR_US },
      async (root) => {
        const loaded = await loadManifest(root);
        if (++reads > 1 || !loaded.ok) return loaded;
        // What compaction does just after this reader took the manifest: a new manifest names the
        // file's replacement, then the old file goes.
        const [first, ...rest] = loaded.manifest.files;
        if (first === undefined) throw new Error('source has no files');
        const moved = { ...first, path: first.path.replace(/\.parquet$/, '-merged.parquet') };
        await saveManifest(root, { ...loaded.manifest, files: [moved, ...rest] });
        await rename(join(root, first.path), join(root, moved.path));
        return loaded;
      },
    );
    expect(reads).toBe(2);
    expect(result).toMatchObject({ ok: true, rows: { spans: 40, messages: 40 } });
    const entries = await readdir(join(out, '..'));
    expect(entries.filter((e) => e.includes('partial'))).toEqual([]);
  });

  it('gives up with the missing file named when sources keep vanishing', async () => {
    const out = await outDir();
    let reads = 0;
    const result = await createSnapshot(
      { from: source, out, sinceUs: 0, untilUs: BASE_US + 10 * HOUR_US },
      async (root) => {
        reads++;
        const loaded = await loadManifest(root);
        if (!loaded.ok) return loaded;
        const ghost = { ...loaded.manifest.files[0]!, path: 'spans/date=2026-11-26/hour=05/gone.parquet' };
        return { ...loaded, manifest: { ...loaded.manifest, files: [ghost, ...loaded.manifest.files] } };
      },
    );
    expect(reads).toBe(5);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/gone\.parquet was removed while copying, 5 times in a row/);
    expect(await stat(out).catch(() => null)).toBeNull();
  });

  it('explains bad arguments and unusable directories', async () => {
    const out = await outDir();
    const cases: Array<[string[], number, RegExp]> = [
      [['--from', source, '--out', out], 2, /missing --since/],
      [['--from', source, '--since', 'yesterday', '--out', out], 2, /--since: not a duration/],
      [
        ['--from', source, '--since', '1h', '--until', '2h', '--out', out],
        2,
        /--until must be after --since/,
      ],
      [['--from', source, '--since', '1h', '--out', out, '--bogus'], 2, /Unknown option '--bogus'/],
      [['--from', join(source, 'nope'), '--since', '1h', '--out', out], 1, /does not exist/],
      [['--from', join(source, 'spans'), '--since', '1h', '--out', out], 1, /has no manifest.json/],
      [['--from', source, '--since', '1h', '--out', source], 1, /must differ from the source/],
    ];
    for (const [args, code, message] of cases) {
      const cli = io();
      expect(await runCli(args, cli)).toBe(code);
      expect(cli.errors.join('\n')).toMatch(message);
    }
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'x');
    const cli = io();
    expect(await runCli(['--from', source, '--since', '1h', '--out', out], cli)).toBe(1);
    expect(cli.errors.join('\n')).toMatch(/not empty/);
    // A directory nothing can be created in, in one line (under /proc, Node's recursive mkdir spun forever).
    const proc = io();
    expect(
      await runCli(['--from', source, '--since', '1h', '--out', '/proc/parley-snapshot-test'], proc),
    ).toBe(1);
    expect(proc.errors).toEqual([
      expect.stringMatching(
        /^parley-snapshot: cannot write the snapshot beside \/proc\/parley-snapshot-test: ENOENT/,
      ),
    ]);
  });

  it('creates the missing directories above --out, and refuses a file in the way', async () => {
    const base = await outDir();
    const nested = join(base, 'a', 'b', 'snap');
    const cli = io();
    expect(await runCli(['--from', source, '--since', 'all', '--out', nested], cli)).toBe(0);
    expect((await stat(join(nested, 'manifest.json'))).isFile()).toBe(true);

    await writeFile(join(base, 'file'), 'x');
    const blocked = io();
    const out = join(base, 'file', 'c', 'snap');
    expect(await runCli(['--from', source, '--since', 'all', '--out', out], blocked)).toBe(1);
    expect(blocked.errors.join('\n')).toMatch(/file is not a directory/);
    expect(await stat(join(base, 'file', 'c')).catch(() => null)).toBeNull();
  });

  it('warns when the range holds no span, and says when the spans of the source are', async () => {
    const cli = io();
    const args = ['--from', source, '--since', '2001-01-01T00:00:00Z', '--until', '2001-01-02T00:00:00Z'];
    expect(await runCli([...args, '--out', await outDir()], cli)).toBe(0);
    expect(cli.lines.join('\n')).toMatch(/0 spans/);
    expect(cli.errors.join('\n')).toMatch(
      /warning: no span started in 2001-01-01T00:00:00\.000000Z \.\. 2001-01-02T00:00:00\.000000Z; .* holds spans from 20\d\d-/,
    );
  });
});
