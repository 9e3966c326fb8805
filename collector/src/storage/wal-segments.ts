/**
 * Write-ahead log segment files: `<seq>.wal` hold acknowledged requests (NDJSON rows), `<seq>.carry`
 * hold log-derived messages whose span had not arrived at the last flush. Sequence numbers are
 * shared by both kinds and increase forever; the manifest records the highest one materialized.
 */
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type SegmentKind = 'wal' | 'carry';

export interface Segment {
  seq: number;
  kind: SegmentKind;
  path: string;
}

const SEGMENT_NAME = /^(\d{12})\.(wal|carry)$/;

export function segmentPath(dir: string, seq: number, kind: SegmentKind): string {
  return join(dir, `${String(seq).padStart(12, '0')}.${kind}`);
}

export async function listSegments(dir: string): Promise<Segment[]> {
  await mkdir(dir, { recursive: true });
  const segments: Segment[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (!match) continue;
    segments.push({ seq: Number(match[1]), kind: match[2] as SegmentKind, path: join(dir, name) });
  }
  return segments.sort((a, b) => a.seq - b.seq);
}

/**
 * Cut a segment back to its last complete line. Only the tail of the segment being written at a
 * crash can be torn, and no request in that tail was acknowledged (its fsync had not returned).
 */
export async function truncateTornTail(path: string): Promise<number> {
  const { size } = await stat(path);
  if (size === 0) return 0;
  const handle = await open(path, 'r+');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (at >= 0) {
        const keep = start + at + 1;
        if (keep < size) {
          await handle.truncate(keep);
          await handle.sync();
        }
        return size - keep;
      }
      end = start;
    }
    await handle.truncate(0);
    await handle.sync();
    return size;
  } finally {
    await handle.close();
  }
}
