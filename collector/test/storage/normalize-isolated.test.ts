import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import { describe, expect, it } from 'vitest';
import { normalizeIsolated } from '../../src/storage/normalize-isolated.ts';
import type { Slice } from '../../src/storage/normalize-isolated.ts';
import { SET_ASIDE_DIR, writeSetAside } from '../../src/storage/set-aside.ts';
import type { SetAside } from '../../src/storage/set-aside.ts';
import { tempDir } from './harness.ts';
import { BASE_US, hexId, span, userMessageLog } from './otlp-builders.ts';

const POISONED = hexId(2, 32);

/** The real normalizer, with a bug that throws on one trace. */
function buggy(slice: Slice) {
  if ([...slice.spans, ...slice.logs].some((item) => item.traceId === POISONED)) {
    throw new RangeError('Maximum call stack size exceeded');
  }
  return normalizeBatch(slice, { pricer: null });
}

describe('normalizeIsolated', () => {
  it('sets aside the trace the normalizer throws on and keeps the rows of every other trace', () => {
    const spans = [1, 2, 3].flatMap((trace) =>
      [1, 2].map((n) =>
        span({ trace, span: trace * 10 + n, startUs: BASE_US + n, session: `s${trace}`, input: `q${trace}` }),
      ),
    );
    const setAside: SetAside[] = [];
    const rows = normalizeIsolated({ spans, logs: [] }, buggy, 77, setAside);
    const healthy = normalizeBatch(
      { spans: spans.filter((s) => s.traceId !== POISONED), logs: [] },
      { pricer: null },
    );
    expect(rows.spans).toEqual(healthy.spans);
    expect(rows.messages).toEqual(healthy.messages);
    expect(setAside).toEqual([
      {
        signal: 'traces',
        traceId: POISONED,
        rq: 77,
        error: expect.stringContaining('RangeError: Maximum call stack size exceeded') as unknown,
        items: spans.filter((s) => s.traceId === POISONED),
      },
    ]);
  });

  it('does the same for log records, and passes a slice through untouched when nothing throws', () => {
    const logs = [1, 2, 3].map((trace) => userMessageLog(trace, trace, BASE_US, `m${trace}`));
    const setAside: SetAside[] = [];
    const rows = normalizeIsolated({ spans: [], logs }, buggy, 5, setAside);
    expect(setAside.map((a) => [a.signal, a.traceId, a.items])).toEqual([['logs', POISONED, [logs[1]]]]);
    expect(rows.messages.map((m) => m.content)).toEqual(['m1', 'm3']);

    const clean = { spans: [], logs: [logs[0], logs[2]] } as Slice;
    const none: SetAside[] = [];
    expect(normalizeIsolated(clean, buggy, 5, none)).toEqual(normalizeBatch(clean, { pricer: null }));
    expect(none).toEqual([]);
  });
});

describe('writeSetAside', () => {
  it('writes each trace once, named by its WAL record and trace, with the items and the error', async () => {
    const dir = await tempDir('parley-aside-');
    try {
      const items = [span({ trace: 2, span: 1, startUs: BASE_US })];
      const aside: SetAside[] = [
        { signal: 'traces', traceId: POISONED, rq: 9, error: 'RangeError: boom', items },
        { signal: 'logs', traceId: '../../etc/passwd', rq: 9, error: 'TypeError: x', items: [] },
      ];
      const paths = await writeSetAside(dir.path, aside);
      // A replay of the same WAL record after a crash rewrites the same files.
      expect(await writeSetAside(dir.path, aside)).toEqual(paths);
      expect((await readdir(join(dir.path, SET_ASIDE_DIR))).sort()).toEqual([
        `9-${POISONED}.traces.json`,
        '9-no-trace.logs.json',
      ]);
      expect(JSON.parse(await readFile(paths[0] as string, 'utf8'))).toEqual({
        signal: 'traces',
        trace_id: POISONED,
        error: 'RangeError: boom',
        items: JSON.parse(JSON.stringify(items)) as unknown,
      });
      expect(await writeSetAside(dir.path, [])).toEqual([]);
    } finally {
      await dir.cleanup();
    }
  });
});
