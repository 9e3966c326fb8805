/**
 * The active WAL segment, with group commit: requests that arrive while an fsync is in flight are
 * written together and share the next fsync, so throughput does not collapse to one request per
 * disk flush. A request's promise resolves only after the fsync covering its bytes.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir } from './durable-fs.ts';
import { segmentPath } from './wal-segments.ts';

interface PendingWrite {
  data: Buffer;
  spans: number;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

interface PendingRotate {
  resolve: (sealedSeq: number) => void;
  reject: (err: unknown) => void;
}

export interface WalWriter {
  /** Resolves, once the data is fsynced, with the sequence of the segment it landed in. */
  append(data: Buffer, spans: number): Promise<number>;
  /** Seal the active segment and start the next one; resolves with the sealed sequence number. */
  rotate(): Promise<number>;
  /** A sequence number for a segment written elsewhere (carry files); never used by this writer. */
  reserveSeq(): number;
  /** Sequence of the segment currently open for appends (null once closed). */
  activeSeq(): number | null;
  activeSpans(): number;
  activeBytes(): number;
  /** Flush pending writes and close the active segment; later appends reject. */
  close(): Promise<void>;
}

export async function openWalWriter(dir: string, firstSeq: number): Promise<WalWriter> {
  let nextSeq = firstSeq;
  let seq = 0;
  let handle: FileHandle | null = null;
  let spansInSegment = 0;
  let bytesInSegment = 0;
  let closed = false;
  let running = false;
  let writes: PendingWrite[] = [];
  let rotations: PendingRotate[] = [];
  let closeWaiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];

  async function openSegment(): Promise<void> {
    seq = nextSeq++;
    const path = segmentPath(dir, seq, 'wal');
    handle = await open(path, 'a');
    // The new file's directory entry must be durable before any request in it is acknowledged.
    await fsyncDir(dirname(path));
    spansInSegment = 0;
    bytesInSegment = 0;
  }

  async function writeBatch(batch: PendingWrite[]): Promise<void> {
    if (!handle) throw new Error('WAL segment is not open');
    const expected = batch.reduce((sum, w) => sum + w.data.length, 0);
    const { bytesWritten } = await handle.writev(batch.map((w) => w.data));
    if (bytesWritten !== expected) throw new Error(`short WAL write: ${bytesWritten} of ${expected} bytes`);
    await handle.datasync();
    for (const w of batch) {
      spansInSegment += w.spans;
      bytesInSegment += w.data.length;
    }
  }

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (writes.length > 0 || rotations.length > 0 || closeWaiters.length > 0) {
        // Rotation goes first: with steady concurrent writes it would otherwise never get a turn.
        if (rotations.length > 0) {
          const waiting = rotations;
          rotations = [];
          try {
            const sealed = seq;
            await handle?.close();
            handle = null;
            await openSegment();
            for (const r of waiting) r.resolve(sealed);
          } catch (err) {
            for (const r of waiting) r.reject(err);
          }
          continue;
        }
        if (writes.length > 0) {
          const batch = writes;
          writes = [];
          try {
            await writeBatch(batch);
            for (const w of batch) w.resolve(seq);
          } catch (err) {
            for (const w of batch) w.reject(err);
            // A failed write may leave a partial line; later requests go to a fresh segment so
            // the damage stays at a segment tail, where the reader drops it.
            await handle?.close().catch(() => undefined);
            handle = null;
            await openSegment().catch(() => undefined);
          }
          continue;
        }
        const waiting = closeWaiters;
        closeWaiters = [];
        try {
          await handle?.close();
          handle = null;
          for (const c of waiting) c.resolve();
        } catch (err) {
          for (const c of waiting) c.reject(err);
        }
      }
    } finally {
      running = false;
    }
  }

  await openSegment();

  return {
    append(data, spans) {
      if (closed) return Promise.reject(new Error('WAL is closed'));
      return new Promise<number>((resolve, reject) => {
        writes.push({ data, spans, resolve, reject });
        void run();
      });
    },
    rotate() {
      if (closed) return Promise.reject(new Error('WAL is closed'));
      return new Promise<number>((resolve, reject) => {
        rotations.push({ resolve, reject });
        void run();
      });
    },
    reserveSeq: () => nextSeq++,
    activeSeq: () => (closed ? null : seq),
    activeSpans: () => spansInSegment,
    activeBytes: () => bytesInSegment,
    close() {
      closed = true;
      return new Promise<void>((resolve, reject) => {
        closeWaiters.push({ resolve, reject });
        void run();
      });
    },
  };
}
