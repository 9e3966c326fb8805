import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTraces } from '@parley/shared/otlp/decode';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../scripts/gen-synthetic');
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-gen-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('scripts/gen-synthetic', () => {
  it.each([
    ['protobuf', 'pb'],
    ['json', 'json'],
  ] as const)(
    'writes %s bodies of --batch spans that decode to --spans spans',
    async (format, ext) => {
      const out = await tempDir();
      const args = [
        '--spans',
        '1100',
        '--sessions',
        '100',
        '--seed',
        '5',
        '--format',
        format,
        '--out',
        out,
        '--end',
        '2026-11-20T00:00:00Z',
        '--window',
        '2d',
      ];
      const { stdout } = await run(script, args);
      expect(JSON.parse(stdout)).toMatchObject({
        format,
        spans: 1100,
        batches: 3,
        end: '2026-11-20T00:00:00.000Z',
      });
      const files = (await readdir(out)).sort();
      expect(files).toEqual([`traces-000000.${ext}`, `traces-000001.${ext}`, `traces-000002.${ext}`]);
      let spans = 0;
      for (const file of files) {
        const result = decodeTraces(new Uint8Array(await readFile(join(out, file))), format);
        if (!result.ok) throw new Error(result.error);
        expect(result.value.every((s) => s.startTimeUs >= Date.parse('2026-11-18T00:00:00Z') * 1000)).toBe(
          true,
        );
        spans += result.value.length;
      }
      expect(spans).toBe(1100);
    },
    60_000,
  );

  it('exits 2 with the usage on bad arguments', async () => {
    const failure = await run(script, ['--spans', 'many', '--out', 'x']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('--spans must be a positive integer');
    expect(failure?.stderr).toContain('usage: scripts/gen-synthetic');
  });
});
