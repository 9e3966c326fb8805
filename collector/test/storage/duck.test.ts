import { describe, expect, it } from 'vitest';
import { isOutOfMemory, openDuck } from '../../src/storage/duck.ts';
import { tempDir } from './harness.ts';

const MIB = 1024 * 1024;
// Holds ~40 MiB at once: a list of 5M BIGINTs.
const NEEDS_MEMORY = 'SELECT len(list(range))::INTEGER AS n FROM range(5000000)';

async function limitMib(duck: Awaited<ReturnType<typeof openDuck>>): Promise<string> {
  const [row] = await duck.rows("SELECT current_setting('memory_limit') AS m");
  return String(row?.m);
}

describe('DuckDB memory limit', () => {
  it('raises the limit for one piece of work only, and puts the previous one back', async () => {
    const dir = await tempDir();
    const duck = await openDuck({ memoryLimitBytes: 16 * MIB, threads: 1, tempDir: dir.path });
    try {
      const failure = await duck.rows(NEEDS_MEMORY).then(
        () => null,
        (err: unknown) => err,
      );
      expect(isOutOfMemory(failure)).toBe(true);
      expect(isOutOfMemory(new Error('Binder Error: no such column'))).toBe(false);

      const rows = await duck.withMemoryLimit(256 * MIB, async () => {
        expect(await limitMib(duck)).toBe('256.0 MiB');
        // Nested work asking for less runs under the raised limit, unchanged.
        await duck.withMemoryLimit(32 * MIB, async () => expect(await limitMib(duck)).toBe('256.0 MiB'));
        return duck.rows(NEEDS_MEMORY);
      });
      expect(rows).toEqual([{ n: 5_000_000 }]);
      expect(await limitMib(duck)).toBe('16.0 MiB');

      // Restored even when the work fails.
      await expect(
        duck.withMemoryLimit(64 * MIB, () => duck.run('SELECT * FROM no_such_table')),
      ).rejects.toThrow(/no_such_table/);
      expect(await limitMib(duck)).toBe('16.0 MiB');
      // Only whole byte counts reach the SET statement.
      await expect(duck.withMemoryLimit(20 * MIB + 0.5, () => duck.run('SELECT 1'))).rejects.toThrow(
        RangeError,
      );
      expect(await limitMib(duck)).toBe('16.0 MiB');
    } finally {
      duck.close();
      await dir.cleanup();
    }
  });
});
