import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import { afterEach, describe, expect, it } from 'vitest';
import { createRowLines } from '../../src/storage/row-lines.ts';
import { encodeLines } from '../../src/storage/line-encoding.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function file(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'row-lines-'));
  dirs.push(dir);
  return join(dir, 'rows.ndjson');
}

function rows() {
  const spans = [
    ...generateBatches({ spans: 300, sessions: 20, seed: 9, endMs: Date.UTC(2026, 0, 1) }),
  ].flat();
  const out = normalizeBatch({ spans, logs: [] }, { pricer: null });
  return { spans: out.spans, messages: out.messages.map((m, i) => ({ ...m, rq: i })) };
}

describe('row lines', () => {
  it('writes added rows exactly as encodeLines does, after dropping their text from the objects', async () => {
    const { spans, messages } = rows();
    const expected = Buffer.concat([
      encodeLines('spans', spans).data,
      encodeLines('messages', messages).data,
    ]);
    const lines = createRowLines();
    lines.add('spans', spans);
    lines.add('messages', messages);
    expect(spans.every((s) => s.attributes === '' && s.events === '')).toBe(true);
    expect(messages.some((m) => m.content !== null && m.content !== '')).toBe(false);

    const path = await file();
    const longest = await lines.write(path, [
      { table: 'spans', rows: spans },
      { table: 'messages', rows: messages },
    ]);
    expect((await readFile(path)).equals(expected)).toBe(true);
    expect(longest).toBe(
      Math.max(
        ...expected
          .toString('utf8')
          .split('\n')
          .map((l) => Buffer.byteLength(l)),
      ),
    );
  });

  it('writes a changed copy as its added line with the copy’s light values, in order', async () => {
    const { messages } = rows();
    const before = encodeLines('messages', messages).data.toString('utf8').split('\n');
    const lines = createRowLines();
    lines.add('messages', messages);
    const [first, second, third] = messages;
    if (!first || !second || !third) throw new Error('fixture too small');
    const changed = { ...second, session_id: 'moved', seq: 41, carried_since: 7 };
    const path = await file();
    await lines.write(path, [{ table: 'messages', rows: [first, changed, third] }]);
    const written = (await readFile(path, 'utf8')).split('\n');
    expect(written[0]).toBe(before[0]);
    expect(written[2]).toBe(before[2]);
    expect(JSON.parse(written[1] ?? '')).toEqual({
      ...JSON.parse(before[1] ?? ''),
      session_id: 'moved',
      seq: 41,
      carried_since: 7,
    });
  });

  it('refuses a row it never held', async () => {
    const lines = createRowLines();
    await expect(lines.write(await file(), [{ table: 'spans', rows: [{ trace_id: 'x' }] }])).rejects.toThrow(
      /never added/,
    );
  });
});
