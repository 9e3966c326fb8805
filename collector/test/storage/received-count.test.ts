import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './harness.ts';

const CHILD = fileURLToPath(new URL('./wal-full-child.ts', import.meta.url));

describe('spans received', () => {
  it('counts the spans the WAL took, not those of a request whose WAL write failed, and reports the failure until a write goes through', async () => {
    const dir = await tempDir();
    try {
      // Files of at most 1 MiB: WAL writes fail (Node ignores SIGXFSZ, so the write is cut short
      // or gets EFBIG) until the writer moves to a fresh segment.
      const run = spawnSync(
        'bash',
        ['-c', 'ulimit -f 1024 && exec "$0" "$1" "$2"', process.execPath, CHILD, dir.path],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(run.stderr).toBe('');
      const counts = JSON.parse(run.stdout) as {
        acked: number;
        failed: number;
        received: number;
        errorAfterFailure: string | null;
        errorAfterRecovery: string | null;
      };
      expect(counts.failed).toBeGreaterThan(0);
      expect(counts.acked).toBeGreaterThan(counts.failed);
      expect(counts.received).toBe(counts.acked);
      // Health says storage failed while it did, and no longer once a write went through.
      expect(counts.errorAfterFailure).toBe('wal_append_failed');
      expect(counts.errorAfterRecovery).toBeNull();
    } finally {
      await dir.cleanup();
    }
  }, 60_000);
});
