/**
 * Write-ahead log segment files: `<seq>.wal` hold acknowledged requests (framed records, see
 * wal-frame.ts), `<seq>.carry` hold log-derived messages whose span had not arrived at the last
 * flush (NDJSON rows). WAL sequence numbers increase forever and the manifest records the highest
 * one materialized; carry numbers come from the writer's file counter and the manifest lists the
 * live ones.
 */
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecords } from './wal-frame.ts';
import type { ReadProblem } from './wal-frame.ts';

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

/** The directory is made at start (storage config); gone later, it is an error, not made again. */
export async function listSegments(dir: string): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (!match) continue;
    segments.push({ seq: Number(match[1]), kind: match[2] as SegmentKind, path: join(dir, name) });
  }
  return segments.sort((a, b) => a.seq - b.seq);
}

export interface SegmentScan {
  /** Spans and log records in the verified records. */
  items: number;
  /** Size after truncation: the verified records. */
  bytes: number;
  /** Bytes cut from the tail, and why. */
  cutBytes: number;
  problem: ReadProblem | null;
}

/**
 * Cut a segment back to its last verified record. Only the tail of the segment being written at
 * a crash can be torn, and no request in that tail was acknowledged (its fsync had not returned).
 */
export async function truncateToValidRecords(path: string): Promise<SegmentScan> {
  const data = await readFile(path);
  const { records, validBytes, problem } = readRecords(data);
  if (validBytes < data.length) {
    const handle = await open(path, 'r+');
    try {
      await handle.truncate(validBytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return {
    items: records.reduce((n, r) => n + r.items, 0),
    bytes: validBytes,
    cutBytes: data.length - validBytes,
    problem,
  };
}
