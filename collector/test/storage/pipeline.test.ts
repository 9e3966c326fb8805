import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SCHEMA_VERSION } from '@parley/shared/schema';
import { BASE_US, hexId, span, userMessageLog } from './otlp-builders.ts';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import { retryAfterSeconds } from '../../src/storage/pipeline.ts';
import { layoutFacts, manifestOf, openPipeline, parquetFacts, queryTable, tempDir } from './harness.ts';

// Each pipeline starts a materializer thread with its own DuckDB: seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Polls `condition` until it holds (flushes run on their own timer). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function dataDir(): Promise<string> {
  const dir = await tempDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

function spansOfTrace(trace: number, count: number, session: string): ReturnType<typeof span>[] {
  return Array.from({ length: count }, (_, i) =>
    span({
      trace,
      span: trace * 1000 + i + 1,
      startUs: BASE_US + trace * 1000 + i,
      session,
      inputTokens: 7,
      outputTokens: 3,
    }),
  );
}

describe('storage pipeline', () => {
  it('writes every acknowledged span exactly once, across concurrent requests and flushes', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    const first = await Promise.all(
      [1, 2, 3, 4].map((t) => pipeline.ingest({ signal: 'traces', spans: spansOfTrace(t, 50, `s${t}`) })),
    );
    expect(first.every((r) => r.ok)).toBe(true);
    await pipeline.flush();
    await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(5, 30, 's5') });
    await pipeline.close();

    const [counts] = await queryTable(
      dir,
      'spans',
      'SELECT count(*) AS n, count(DISTINCT span_id) AS d, sum(input_tokens) AS tin FROM t',
    );
    expect(counts).toEqual({ n: '230', d: '230', tin: String(230 * 7) });
    const sessions = await queryTable(
      dir,
      'sessions',
      'SELECT session_id, sum(spans) AS spans, sum(llm_calls) AS calls FROM t GROUP BY 1 ORDER BY 1',
    );
    expect(sessions).toEqual(
      [1, 2, 3, 4, 5].map((t) => ({
        session_id: `s${t}`,
        spans: t === 5 ? '30' : '50',
        calls: t === 5 ? '30' : '50',
      })),
    );
    const wal = await manifestOf(dir);
    expect(wal.writer?.wtest).toMatchObject({ carries: [] });
  });

  it('after a restart, joins log messages to the spans written last, even behind spans dated in the future', async () => {
    const dir = await dataDir();
    const first = await openPipeline(dir);
    await first.ingest({ signal: 'traces', spans: spansOfTrace(1, 20, 'now') });
    await first.flush();
    // A client with a broken clock: spans of ten hours in the year 2200, each in its own file.
    for (let hour = 0; hour < 10; hour++) {
      const startUs = Date.UTC(2200, 0, 1, hour) * 1000;
      await first.ingest({ signal: 'traces', spans: [span({ trace: 100 + hour, span: 1, startUs })] });
      await first.flush();
    }
    await first.close();
    const second = await openPipeline(dir);
    const logs = spansOfTrace(1, 20, 'now').map((s, i) =>
      userMessageLog(1, 1000 + i + 1, s.startTimeUs, `late ${i}`),
    );
    await second.ingest({ signal: 'logs', logs });
    await second.close();
    const [joined] = await queryTable(
      dir,
      'messages',
      "SELECT count(*)::INTEGER AS n, count(*) FILTER (session_id = 'now')::INTEGER AS joined FROM t",
    );
    expect(joined).toEqual({ n: 20, joined: 20 });
  });

  it('refuses requests once its data directory is deleted under it, and says storage fails', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    try {
      expect(await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(1, 2, 's') })).toMatchObject({
        ok: true,
      });
      await rm(dir, { recursive: true, force: true });
      // Every later request too: the writer's next segment (made ready before the delete) has no
      // name either, and a flush must not make the directory again for the next one.
      for (let trace = 2; trace <= 4; trace++) {
        await expect(
          pipeline.ingest({ signal: 'traces', spans: spansOfTrace(trace, 2, 's') }),
        ).rejects.toThrow();
        await pipeline.flush().catch(() => undefined);
      }
      // The WAL's failures, or the flushes' (which find the WAL's directory gone) after them.
      expect(pipeline.stats().storageError?.event).toMatch(
        /^(wal_append_failed|storage\.maintenance_failed)$/,
      );
      expect(pipeline.stats().spansReceived).toBe(2);
      expect(await stat(dir).catch(() => null)).toBeNull();
    } finally {
      await pipeline.close().catch(() => undefined);
    }
  });

  it('starts on a manifest naming a file that is gone or damaged: it leaves the manifest, and says so', async () => {
    const dir = await dataDir();
    const first = await openPipeline(dir);
    for (const trace of [1, 2]) {
      await first.ingest({ signal: 'traces', spans: spansOfTrace(trace, 3, `s${trace}`) });
      await first.flush();
    }
    await first.close();
    const spanFiles = (await manifestOf(dir)).files.filter((f) => f.table === 'spans');
    expect(spanFiles.length).toBeGreaterThanOrEqual(2);
    const [lost, damaged] = spanFiles.map((f) => f.path);
    await rm(join(dir, lost!));
    await writeFile(join(dir, damaged!), 'not parquet');

    const events: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
    const second = await openPipeline(dir, {
      logger: { log: (level, event, fields = {}) => events.push({ level, event, fields }) },
    });
    try {
      expect(events.find((e) => e.event === 'storage.missing_files')).toMatchObject({
        level: 'error',
        fields: { files: 1, first: [lost] },
      });
      expect(events.find((e) => e.event === 'storage.seed_failed')?.level).toBe('warn');
      expect((await manifestOf(dir)).files.map((f) => f.path)).not.toContain(lost);
      expect(await second.ingest({ signal: 'traces', spans: spansOfTrace(3, 2, 's3') })).toMatchObject({
        ok: true,
      });
    } finally {
      await second.close();
    }
  });

  it('writes a retried span once when its first copy was written by an earlier flush', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    const spans = spansOfTrace(1, 20, 's1');
    await pipeline.ingest({ signal: 'traces', spans });
    await pipeline.flush();
    // The same request again, as an exporter whose ack was lost sends it, with one new span.
    await pipeline.ingest({ signal: 'traces', spans: [...spans, ...spansOfTrace(2, 1, 's2')] });
    await pipeline.flush();
    expect(pipeline.stats()).toMatchObject({ spansReceived: 41, spansWritten: 21, spansDuplicate: 20 });
    // Twice in one request: the normalizer keeps the first copy, and counts as the others do.
    const twice = spansOfTrace(3, 2, 's3');
    await pipeline.ingest({ signal: 'traces', spans: [...twice, ...twice] });
    await pipeline.flush();
    expect(pipeline.stats()).toMatchObject({ spansReceived: 45, spansWritten: 23, spansDuplicate: 22 });
    await pipeline.close();
    const [counts] = await queryTable(
      dir,
      'spans',
      'SELECT count(*)::INTEGER AS n, sum(input_tokens)::INTEGER AS tin FROM t',
    );
    expect(counts).toEqual({ n: 23, tin: 23 * 7 });
  });

  it('writes every row of a flush that failed once when it is retried', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    // A file where the flush's partition directory goes: its mkdir fails until the file is gone.
    const day = join(dir, 'spans', 'date=2026-11-26');
    await mkdir(join(dir, 'spans'), { recursive: true });
    await writeFile(day, 'in the way');
    const spans = Array.from({ length: 30 }, (_, i) =>
      span({ trace: 1, span: i + 1, startUs: BASE_US + i, session: 'c', input: `q${i}`, output: `a${i}` }),
    );
    await pipeline.ingest({ signal: 'traces', spans });
    await expect(pipeline.flush()).rejects.toThrow();
    await rm(day);
    await pipeline.flush();
    await pipeline.close();
    const [counts] = await queryTable(dir, 'spans', 'SELECT count(*)::INTEGER AS n FROM t');
    expect(counts).toEqual({ n: 30 });
    const [messages] = await queryTable(dir, 'messages', 'SELECT count(*)::INTEGER AS n FROM t');
    expect(messages).toEqual({ n: 60 });
  });

  it('keeps a manifest whose rows, bytes, times and partitions match the files', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    const hourLater = BASE_US + 3_600_000_000;
    await pipeline.ingest({
      signal: 'traces',
      spans: [
        span({ trace: 1, span: 1, startUs: BASE_US + 5, session: 'b', model: 'm1' }),
        span({ trace: 1, span: 2, startUs: BASE_US + 9, session: 'a', model: 'm2' }),
        span({ trace: 2, span: 3, startUs: hourLater, session: 'c', model: 'm1' }),
      ],
    });
    await pipeline.close();

    const manifest = await manifestOf(dir);
    const spanFiles = manifest.files
      .filter((f) => f.table === 'spans')
      .sort((a, b) => a.path.localeCompare(b.path));
    expect(spanFiles.map((f) => f.path)).toEqual([
      'spans/date=2026-11-26/hour=05/wtest-000001.parquet',
      'spans/date=2026-11-26/hour=06/wtest-000002.parquet',
    ]);
    const first = spanFiles[0]!;
    expect(first).toMatchObject({ rows: 2, models: ['m1', 'm2'], min_session_id: 'a', max_session_id: 'b' });
    expect(first.min_time).toBe('2026-11-26T05:00:00.000005Z');
    expect(first.max_time).toBe('2026-11-26T05:00:00.250009Z');
    for (const file of manifest.files) {
      expect((await stat(join(dir, file.path))).size).toBe(file.bytes);
      const facts = await parquetFacts(join(dir, file.path));
      expect(facts.rows).toBe(file.rows);
      expect(facts.codecs).toEqual([file.table === 'sessions' ? 'SNAPPY' : 'ZSTD']);
    }
    // Both hours are one day: one summary file, a row per session.
    expect(manifest.files.filter((f) => f.table === 'sessions').map((f) => f.rows)).toEqual([3]);
    const text = await readFile(join(dir, 'manifest.json'), 'utf8');
    expect(JSON.parse(text).schema_version).toBe(SCHEMA_VERSION);

    const ordered = await queryTable(dir, 'spans', 'SELECT session_id FROM t');
    expect(ordered.map((r) => r.session_id)).toEqual(['a', 'b', 'c']);
  });

  it('writes each flushed file in its layout order, with the statistics DuckDB finds in it', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    // Three hours of sessions, with sessionless traces among them, in two requests.
    const batches = [
      ...generateBatches({ spans: 900, sessions: 60, seed: 7, windowMs: 3 * 3_600_000, batchSize: 450 }),
    ];
    for (const spans of batches) expect((await pipeline.ingest({ signal: 'traces', spans })).ok).toBe(true);
    await pipeline.close();

    const manifest = await manifestOf(dir);
    const flushed = manifest.files.filter((f) => f.table === 'spans' || f.table === 'messages');
    expect(new Set(flushed.map((f) => f.path.split('/').slice(0, 3).join('/'))).size).toBeGreaterThan(4);
    for (const file of flushed) {
      const { inOrder, facts } = await layoutFacts(join(dir, file.path), file.table as 'spans' | 'messages');
      expect(inOrder, file.path).toBe(true);
      expect(facts).toEqual({
        rows: file.rows,
        min_time: file.min_time,
        max_time: file.max_time,
        models: file.models,
        min_session_id: file.min_session_id,
        max_session_id: file.max_session_id,
      });
    }
  });

  it('writes a span whose start no timestamp can hold, and does not hold up the spans after it', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    const far = { trace: 1, span: 1, startUs: 1e20, session: 'far' };
    expect((await pipeline.ingest({ signal: 'traces', spans: [span(far)] })).ok).toBe(true);
    expect((await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(2, 3, 'next') })).ok).toBe(true);
    await pipeline.close();

    const rows = await queryTable(dir, 'spans', 'SELECT session_id, problems FROM t ORDER BY session_id');
    expect(rows.map((r) => r.session_id)).toEqual(['far', 'next', 'next', 'next']);
    expect(String(rows[0]?.problems)).toContain('start_time');
  });

  it('gives a span without a session its trace session from an earlier batch', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 9, span: 1, startUs: BASE_US, session: 'conv-9' })],
    });
    await pipeline.flush();
    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 9, span: 2, parent: 1, startUs: BASE_US + 10 })],
    });
    await pipeline.close();

    const rows = await queryTable(
      dir,
      'spans',
      'SELECT span_id, session_id, session_source FROM t ORDER BY span_id',
    );
    expect(rows).toEqual([
      { span_id: hexId(1, 16), session_id: 'conv-9', session_source: 'gen_ai.conversation.id' },
      { span_id: hexId(2, 16), session_id: 'conv-9', session_source: 'trace' },
    ]);
  });

  it('gives spans written before their root the session the root brings', async () => {
    const dir = await dataDir();
    // Timer flushes hold a span whose root has not come; explicit flush() and close() do not.
    const pipeline = await openPipeline(dir, { flushIntervalMs: 20 });
    await pipeline.ingest({
      signal: 'traces',
      spans: [
        span({ trace: 8, span: 2, parent: 1, startUs: BASE_US + 10, input: 'plan it', output: 'ok' }),
        span({ trace: 8, span: 3, parent: 1, startUs: BASE_US + 20 }),
      ],
    });
    await waitFor(
      async () =>
        ((await manifestOf(dir)).writer?.wtest as { carries?: unknown[] } | undefined)?.carries?.length === 1,
    );
    expect(await queryTable(dir, 'spans', 'SELECT * FROM t')).toEqual([]);

    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 8, span: 1, startUs: BASE_US, session: 'agent-8', llm: false })],
    });
    await pipeline.close();
    const spans = await queryTable(dir, 'spans', 'SELECT span_id, session_id FROM t ORDER BY span_id');
    expect(spans).toEqual([1, 2, 3].map((n) => ({ span_id: hexId(n, 16), session_id: 'agent-8' })));
    const messages = await queryTable(dir, 'messages', 'SELECT session_id, content FROM t ORDER BY seq');
    expect(messages).toEqual([
      { session_id: 'agent-8', content: 'plan it' },
      { session_id: 'agent-8', content: 'ok' },
    ]);
    const sessions = await queryTable(
      dir,
      'sessions',
      'SELECT session_id, sum(spans) AS spans, sum(llm_calls) AS calls FROM t GROUP BY 1',
    );
    expect(sessions).toEqual([{ session_id: 'agent-8', spans: '3', calls: '2' }]);
  });

  it('rewrites the rows of a run whose root came after the wait, so the run is one session', async () => {
    const dir = await dataDir();
    const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const pipeline = await openPipeline(dir, {
      carryMaxAgeMs: 30,
      flushIntervalMs: 10,
      logger: { log: (_level, event, fields = {}) => events.push({ event, fields }) },
    });
    const hour = 3_600_000_000;
    await pipeline.ingest({
      signal: 'traces',
      spans: [
        span({ trace: 8, span: 2, parent: 1, startUs: BASE_US + 10, input: 'plan it', output: 'ok' }),
        span({ trace: 8, span: 3, parent: 1, startUs: BASE_US + 20, inputTokens: 100 }),
        // the same run, an hour later: another partition
        span({ trace: 8, span: 4, parent: 1, startUs: BASE_US + hour, output: 'done' }),
        // another run whose root never comes
        span({ trace: 9, span: 2, parent: 1, startUs: BASE_US + 30 }),
      ],
    });
    // Written without a session once the wait is over.
    await waitFor(async () => (await queryTable(dir, 'spans', 'SELECT * FROM t')).length === 4);
    expect(await queryTable(dir, 'spans', 'SELECT DISTINCT session_id FROM t')).toEqual([
      { session_id: null },
    ]);
    const before = new Set((await manifestOf(dir)).files.map((f) => f.path));

    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 8, span: 1, startUs: BASE_US, session: 'agent-8', llm: false })],
    });
    await pipeline.flush();

    const spans = await queryTable(
      dir,
      'spans',
      'SELECT span_id, session_id, session_source FROM t WHERE trace_id = $trace ORDER BY span_id'.replace(
        '$trace',
        `'${hexId(8, 32)}'`,
      ),
    );
    expect(spans).toEqual([
      { span_id: hexId(1, 16), session_id: 'agent-8', session_source: 'gen_ai.conversation.id' },
      ...[2, 3, 4].map((n) => ({ span_id: hexId(n, 16), session_id: 'agent-8', session_source: 'trace' })),
    ]);
    expect(
      await queryTable(dir, 'spans', `SELECT session_id FROM t WHERE trace_id = '${hexId(9, 32)}'`),
    ).toEqual([{ session_id: null }]);
    expect(
      await queryTable(dir, 'messages', 'SELECT session_id, content FROM t ORDER BY start_time, seq'),
    ).toEqual([
      { session_id: 'agent-8', content: 'plan it' },
      { session_id: 'agent-8', content: 'ok' },
      { session_id: 'agent-8', content: 'done' },
    ]);
    // One session of the run's four spans, three calls and their tokens; the other run stays under its trace.
    const sessions = await queryTable(
      dir,
      'sessions',
      `SELECT session_id, trace_id, sum(spans) AS spans, sum(llm_calls) AS calls, sum(input_tokens) AS tin,
              count(DISTINCT session_key) AS keys
       FROM t GROUP BY ALL ORDER BY session_id NULLS LAST`,
    );
    expect(sessions).toEqual([
      { session_id: 'agent-8', trace_id: null, spans: '4', calls: '3', tin: '120', keys: '1' },
      { session_id: null, trace_id: hexId(9, 32), spans: '1', calls: '1', tin: '10', keys: '1' },
    ]);
    const manifest = await manifestOf(dir);
    expect(manifest.writer?.wtest).toMatchObject({ late_sessions: [] });
    // The files that held the rows without a session are gone from the manifest and the disk.
    const rewritten = events.find((e) => e.event === 'storage.late_sessions');
    expect(rewritten?.fields).toMatchObject({ traces: 1, spans: 3 });
    const after = new Set(manifest.files.map((f) => f.path));
    const gone = [...before].filter((p) => !after.has(p));
    expect(gone.length).toBe(rewritten?.fields.files_rewritten);
    for (const path of gone) await expect(stat(join(dir, path))).rejects.toThrow(/ENOENT/);
    await pipeline.close();
  });

  it('rewrites a run whose root came after the memory forgot the run, once', async () => {
    const dir = await dataDir();
    const events: string[] = [];
    // Forgotten by the flush after its own: what maxSpans does to a run at full load.
    const pipeline = await openPipeline(dir, {
      carryMaxAgeMs: 0,
      recent: { maxAgeMs: 0, maxSpans: 1000, rootless: { maxAgeMs: 3_600_000, maxTraces: 10 } },
      logger: { log: (_level, event) => events.push(event) },
    });
    const send = async (spans: Parameters<typeof span>[0][]): Promise<void> => {
      await pipeline.ingest({ signal: 'traces', spans: spans.map(span) });
      await pipeline.flush();
    };
    await send([{ trace: 8, span: 2, parent: 1, startUs: BASE_US + 10 }]);
    await send([{ trace: 10, span: 1, startUs: BASE_US, session: 'other', llm: false }]);
    await send([{ trace: 8, span: 1, startUs: BASE_US, session: 'agent-8', llm: false }]);
    // A span that brings the session itself: the run is settled, nothing is rewritten again.
    await send([{ trace: 8, span: 3, parent: 1, startUs: BASE_US + 20, session: 'agent-8' }]);
    await send([{ trace: 10, span: 2, parent: 1, startUs: BASE_US + 1, session: 'other' }]);

    expect(
      await queryTable(
        dir,
        'spans',
        `SELECT span_id, session_id FROM t WHERE trace_id = '${hexId(8, 32)}' ORDER BY 1`,
      ),
    ).toEqual([1, 2, 3].map((n) => ({ span_id: hexId(n, 16), session_id: 'agent-8' })));
    expect(events.filter((e) => e === 'storage.late_sessions')).toHaveLength(1);
    await pipeline.close();
  });

  it('runs a rewrite for a late session that a crash left pending at the next start, once', async () => {
    const dir = await dataDir();
    const first = await openPipeline(dir);
    await first.ingest({
      signal: 'traces',
      spans: [span({ trace: 8, span: 2, parent: 1, startUs: BASE_US + 10, input: 'plan it' })],
    });
    await first.close();
    // As the manifest stands when the root's flush committed and the rewrite did not.
    const pending = {
      trace_id: hexId(8, 32),
      session_id: 'agent-8',
      days: [new Date(BASE_US / 1000).toISOString().slice(0, 10)],
    };
    const withPending = async (): Promise<void> => {
      const manifest = await manifestOf(dir);
      const state = manifest.writer?.wtest as Record<string, unknown>;
      manifest.writer = { wtest: { ...state, late_sessions: [pending] } };
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    };
    await withPending();
    const second = await openPipeline(dir);
    await second.flush();
    await second.close();
    const rows = async () => ({
      spans: await queryTable(dir, 'spans', 'SELECT session_id FROM t'),
      messages: await queryTable(dir, 'messages', 'SELECT session_id FROM t'),
      sessions: await queryTable(dir, 'sessions', 'SELECT session_id, trace_id, spans FROM t'),
    });
    const settled = await rows();
    expect(settled).toEqual({
      spans: [{ session_id: 'agent-8' }],
      messages: [{ session_id: 'agent-8' }],
      sessions: [{ session_id: 'agent-8', trace_id: null, spans: '1' }],
    });
    expect((await manifestOf(dir)).writer?.wtest).toMatchObject({ late_sessions: [] });

    // Again, as if the crash came after the rewrite's files were written: nothing changes.
    const files = (await manifestOf(dir)).files.map((f) => f.path).sort();
    await withPending();
    const third = await openPipeline(dir);
    await third.flush();
    await third.close();
    expect(await rows()).toEqual(settled);
    expect((await manifestOf(dir)).files.map((f) => f.path).sort()).toEqual(files);
  });

  it('joins a log message to its span when the message arrives first', async () => {
    const dir = await dataDir();
    // Timer flushes carry a message whose span is unknown; explicit flush() and close() do not.
    const pipeline = await openPipeline(dir, { flushIntervalMs: 20 });
    await pipeline.ingest({
      signal: 'logs',
      logs: [userMessageLog(3, 1, BASE_US + 99_000_000_000, 'hello first')],
    });
    await waitFor(
      async () =>
        ((await manifestOf(dir)).writer?.wtest as { carries?: unknown[] } | undefined)?.carries?.length === 1,
    );
    expect(await queryTable(dir, 'messages', 'SELECT * FROM t')).toEqual([]);

    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 3, span: 1, startUs: BASE_US + 42, session: 'conv-3', model: 'mx' })],
    });
    await pipeline.close();
    const rows = await queryTable(
      dir,
      'messages',
      'SELECT session_id, epoch_us(start_time) AS start_us, model, content, source FROM t',
    );
    expect(rows).toEqual([
      {
        session_id: 'conv-3',
        start_us: String(BASE_US + 42),
        model: 'mx',
        content: 'hello first',
        source: 'log',
      },
    ]);
    expect((await manifestOf(dir)).writer?.wtest).toMatchObject({ carries: [] });
  });

  it('joins a log message to a span written in an earlier batch', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 4, span: 1, startUs: BASE_US + 7, session: 'conv-4' })],
    });
    await pipeline.flush();
    await pipeline.ingest({
      signal: 'logs',
      logs: [userMessageLog(4, 1, BASE_US + 5_000_000_000, 'hello after')],
    });
    await pipeline.close();
    const rows = await queryTable(
      dir,
      'messages',
      'SELECT session_id, epoch_us(start_time) AS start_us, content FROM t',
    );
    expect(rows).toEqual([{ session_id: 'conv-4', start_us: String(BASE_US + 7), content: 'hello after' }]);
  });

  it('numbers log messages of one span that came in several requests in arrival order', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    await pipeline.ingest({ signal: 'logs', logs: [userMessageLog(6, 1, BASE_US + 10, 'first')] });
    await pipeline.ingest({ signal: 'logs', logs: [userMessageLog(6, 1, BASE_US + 20, 'second')] });
    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 6, span: 1, startUs: BASE_US, session: 'conv-6' })],
    });
    await pipeline.close();
    const rows = await queryTable(dir, 'messages', 'SELECT seq, content FROM t ORDER BY seq');
    expect(rows).toEqual([
      { seq: 0, content: 'first' },
      { seq: 1, content: 'second' },
    ]);
  });

  it('keeps only the span-carried copy when a span sends its messages both ways', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir, { flushIntervalMs: 20 });
    await pipeline.ingest({ signal: 'logs', logs: [userMessageLog(7, 1, BASE_US + 10, 'hi')] });
    await waitFor(
      async () =>
        ((await manifestOf(dir)).writer?.wtest as { carries?: unknown[] } | undefined)?.carries?.length === 1,
    );
    await pipeline.ingest({
      signal: 'traces',
      spans: [span({ trace: 7, span: 1, startUs: BASE_US, session: 'conv-7', input: 'hi', output: 'hello' })],
    });
    await pipeline.close();
    const rows = await queryTable(dir, 'messages', 'SELECT direction, content, source FROM t ORDER BY seq');
    expect(rows).toEqual([
      { direction: 'input', content: 'hi', source: 'span_attribute' },
      { direction: 'output', content: 'hello', source: 'span_attribute' },
    ]);
  });

  it('writes messages still waiting for their span on an explicit flush', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    await pipeline.ingest({ signal: 'logs', logs: [userMessageLog(8, 1, BASE_US + 3, 'no span yet')] });
    await pipeline.flush();
    const rows = await queryTable(dir, 'messages', 'SELECT session_id, content FROM t');
    expect(rows).toEqual([{ session_id: null, content: 'no span yet' }]);
    await pipeline.close();
  });

  it('writes a message whose span never comes once it is older than the carry limit', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir, { carryMaxAgeMs: 30, flushIntervalMs: 10 });
    await pipeline.ingest({ signal: 'logs', logs: [userMessageLog(5, 1, BASE_US + 1, 'orphan')] });
    // Carried by the first timer flush, then written by a later one without any explicit flush.
    await waitFor(async () => (await manifestOf(dir)).files.some((f) => f.table === 'messages'));
    // Stats come from the materializer thread by message, just after its manifest commit; a
    // flush with nothing left to write is a barrier for them.
    await pipeline.flush();
    expect(pipeline.stats().flushes).toBeGreaterThanOrEqual(2);
    const rows = await queryTable(
      dir,
      'messages',
      'SELECT session_id, epoch_us(start_time) AS start_us, content FROM t',
    );
    expect(rows).toEqual([{ session_id: null, start_us: String(BASE_US + 1), content: 'orphan' }]);
    await pipeline.close();
  });

  it('gives a log message written before its span came the session that span brings', async () => {
    // instrumentation-openai logs a call's input when the call starts and ends its span when the
    // answer has streamed: a reasoning model's call outlasts the wait.
    const dir = await dataDir();
    const pipeline = await openPipeline(dir, { carryMaxAgeMs: 30, flushIntervalMs: 10 });
    await pipeline.ingest({ signal: 'logs', logs: [userMessageLog(6, 2, BASE_US + 1, 'think hard')] });
    await waitFor(async () => (await manifestOf(dir)).files.some((f) => f.table === 'messages'));
    await pipeline.ingest({
      signal: 'traces',
      spans: [
        span({ trace: 6, span: 2, parent: 1, startUs: BASE_US + 1 }),
        span({ trace: 6, span: 1, startUs: BASE_US, session: 'slow-6', llm: false }),
      ],
    });
    await pipeline.flush();
    expect(await queryTable(dir, 'messages', 'SELECT session_id, span_id, content FROM t')).toEqual([
      { session_id: 'slow-6', span_id: hexId(2, 16), content: 'think hard' },
    ]);
    expect((await manifestOf(dir)).writer?.wtest).toMatchObject({ late_sessions: [] });
    await pipeline.close();
  });

  it('after a restart, still gives a log message written before its span came the session it brings', async () => {
    const dir = await dataDir();
    const first = await openPipeline(dir, { carryMaxAgeMs: 0 });
    await first.ingest({ signal: 'logs', logs: [userMessageLog(16, 2, BASE_US + 1, 'streamed')] });
    await first.flush();
    await first.close();
    const second = await openPipeline(dir, { carryMaxAgeMs: 0 });
    await second.ingest({
      signal: 'traces',
      spans: [
        span({ trace: 16, span: 2, parent: 1, startUs: BASE_US + 1 }),
        span({ trace: 16, span: 1, startUs: BASE_US, session: 'slow-16', llm: false }),
      ],
    });
    await second.flush();
    expect(await queryTable(dir, 'messages', 'SELECT session_id, content FROM t')).toEqual([
      { session_id: 'slow-16', content: 'streamed' },
    ]);
    await second.close();
  });

  it('gives a log message whose span the memory forgot the session of the span written before', async () => {
    const dir = await dataDir();
    // Forgotten by the flush after its own: what maxSpans does to a trace at full load.
    const options = {
      carryMaxAgeMs: 0,
      recent: { maxAgeMs: 0, maxSpans: 1, rootless: { maxAgeMs: 3_600_000, maxTraces: 10 } },
    };
    const first = await openPipeline(dir, options);
    await first.ingest({
      signal: 'traces',
      spans: [
        span({ trace: 12, span: 1, startUs: BASE_US, session: 'long-12', llm: false }),
        span({ trace: 12, span: 2, parent: 1, startUs: BASE_US + 10 }),
        span({ trace: 14, span: 1, startUs: BASE_US, session: 'long-14', llm: false }),
        span({ trace: 14, span: 2, parent: 1, startUs: BASE_US + 10 }),
      ],
    });
    await first.flush();
    await first.ingest({
      signal: 'traces',
      spans: [span({ trace: 13, span: 1, startUs: BASE_US, session: 'other', llm: false })],
    });
    await first.flush();
    // The message of an LLM call of the hour before: its span starts in the message's previous hour.
    await first.ingest({
      signal: 'logs',
      logs: [userMessageLog(12, 2, BASE_US + 3_600_000_000, 'late words')],
    });
    await first.flush();
    await first.close();
    // After a restart that reads back only the last span file: trace 14 is not in the memory.
    const second = await openPipeline(dir, options);
    await second.ingest({ signal: 'logs', logs: [userMessageLog(14, 2, BASE_US + 20, 'after restart')] });
    await second.flush();
    expect(
      await queryTable(dir, 'messages', 'SELECT session_id, trace_id, content FROM t ORDER BY content'),
    ).toEqual([
      { session_id: 'long-14', trace_id: hexId(14, 32), content: 'after restart' },
      { session_id: 'long-12', trace_id: hexId(12, 32), content: 'late words' },
    ]);
    expect((await manifestOf(dir)).writer?.wtest).toMatchObject({ late_sessions: [] });
    await second.close();
  });

  it('writes an acknowledged span whose WAL line is larger than 32 MiB, sizing DuckDB memory to it', async () => {
    const dir = await dataDir();
    const events: string[] = [];
    // A base limit that cannot hold the line: only the flush sizing the limit to it gets it read.
    const pipeline = await openPipeline(dir, {
      duckdb: { memoryLimitBytes: 64 * 1024 * 1024 },
      logger: { log: (_level, event) => events.push(event) },
    });
    const big = span({ trace: 23, span: 1, startUs: BASE_US, session: 'conv-big', input: 'q', output: 'a' });
    // Each raw string stays under the normalizer's per-value cap; together they make a ~35 MB WAL
    // line, which DuckDB's default 16 MiB object bound (read buffer 32 MiB) could not read.
    for (let i = 0; i < 140; i++) big.attributes[`app.blob.${i}`] = `${i}`.padEnd(250_000, 'x');
    expect(await pipeline.ingest({ signal: 'traces', spans: [big] })).toEqual({ ok: true, accepted: 1 });
    await pipeline.close();
    const rows = await queryTable(
      dir,
      'spans',
      'SELECT session_id, length(attributes) > 34000000 AS big FROM t',
    );
    expect(rows).toEqual([{ session_id: 'conv-big', big: true }]);
    // The flush asked for the memory its longest line needs, rather than failing once and being
    // retried with more.
    expect(events).toContain('storage.flush');
    expect(events).not.toContain('storage.duckdb_memory_raised');
  });

  it('keeps an acknowledged span whose strings hold lone surrogates (possible in OTLP/JSON)', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir);
    const stopped = span({
      trace: 22,
      span: 2,
      startUs: BASE_US + 1,
      session: 'conv-22',
      input: 'a',
      output: 'b',
    });
    // A list column too: DuckDB's reader dropped the whole row over one item.
    stopped.attributes['gen_ai.response.finish_reasons'] = ['stop\ud800'];
    const spans = [
      span({
        trace: 21,
        span: 1,
        startUs: BASE_US,
        session: 'conv-\ud800',
        input: 'hi \udc00',
        output: 'ok',
      }),
      stopped,
    ];
    expect(await pipeline.ingest({ signal: 'traces', spans })).toEqual({ ok: true, accepted: 2 });
    await pipeline.close();
    const rows = await queryTable(
      dir,
      'spans',
      'SELECT session_id, finish_reasons FROM t ORDER BY session_id',
    );
    expect(rows).toEqual([
      { session_id: 'conv-22', finish_reasons: ['stop\ufffd'] },
      { session_id: 'conv-\ufffd', finish_reasons: null },
    ]);
    const inputs = await queryTable(
      dir,
      'messages',
      "SELECT content FROM t WHERE direction = 'input' ORDER BY content",
    );
    expect(inputs).toEqual([{ content: 'a' }, { content: 'hi \ufffd' }]);
  });

  it('answers overloaded when the queue is full and closing once closed', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir, { maxQueueSpans: 10, flushSpans: 1_000 });
    expect(await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(1, 8, 's') })).toEqual({
      ok: true,
      accepted: 8,
    });
    const refused = await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(2, 8, 's') });
    expect(refused).toMatchObject({ ok: false, reason: 'overloaded' });
    await pipeline.flush();
    expect(pipeline.stats().queueDepth).toBe(0);
    expect(await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(2, 8, 's') })).toEqual({
      ok: true,
      accepted: 8,
    });
    await pipeline.close();
    expect(await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(3, 1, 's') })).toEqual({
      ok: false,
      reason: 'closing',
    });
    const [counts] = await queryTable(dir, 'spans', 'SELECT count(*) AS n FROM t');
    expect(counts).toEqual({ n: '16' });
  });

  it('tells a refused sender to retry after about a flush interval, at most 5 s', () => {
    expect(retryAfterSeconds(200)).toBe(1);
    expect(retryAfterSeconds(3_000)).toBe(3);
    expect(retryAfterSeconds(600_000)).toBe(5);
  });

  it('takes a request larger than the queue limit when nothing is queued, instead of refusing it forever', async () => {
    const dir = await dataDir();
    const pipeline = await openPipeline(dir, { maxQueueSpans: 10, flushSpans: 1_000 });
    expect(await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(1, 25, 's') })).toEqual({
      ok: true,
      accepted: 25,
    });
    expect(await pipeline.ingest({ signal: 'traces', spans: spansOfTrace(2, 1, 's') })).toMatchObject({
      ok: false,
      reason: 'overloaded',
    });
    await pipeline.close();
    const [counts] = await queryTable(dir, 'spans', 'SELECT count(*) AS n FROM t');
    expect(counts).toEqual({ n: '25' });
  });

  it('leaves what shutdown had no time to write in the WAL, and writes it once at the next start', async () => {
    const dir = await dataDir();
    const first = await openPipeline(dir, { shutdownDrainMs: 0, flushSpans: 1_000 });
    expect(await first.ingest({ signal: 'traces', spans: spansOfTrace(1, 40, 's1') })).toEqual({
      ok: true,
      accepted: 40,
    });
    await first.close();
    expect((await manifestOf(dir)).files.filter((f) => f.table === 'spans')).toEqual([]);

    const second = await openPipeline(dir);
    await second.close();
    const [counts] = await queryTable(
      dir,
      'spans',
      'SELECT count(*) AS n, count(DISTINCT span_id) AS d FROM t',
    );
    expect(counts).toEqual({ n: '40', d: '40' });
  });
});
