/**
 * The active WAL segment, with group commit: requests that arrive while an fsync is in flight are
 * written together and share the next fsync, so throughput does not collapse to one request per
 * disk flush. A request's promise resolves only after the fsync covering its bytes. The next
 * segment is created (and its directory entry fsynced) ahead of time, so sealing one never makes
 * requests wait for a directory fsync, which stalls behind every other write on the disk. The
 * write and fsync themselves run on the WAL's own thread (wal-sync.ts), ahead of background work.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir } from './durable-fs.ts';
import { segmentPath } from './wal-segments.ts';
import { startWalSync } from './wal-sync.ts';

interface PendingWrite {
  /** One framed record, as chunks (see frameRecord). */
  chunks: Buffer[];
  bytes: number;
  items: number;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

interface PendingRotate {
  resolve: (sealedSeq: number) => void;
  reject: (err: unknown) => void;
}

export interface WalWriter {
  /** Resolves, once the record is fsynced, with the sequence of the segment it landed in. */
  append(chunks: Buffer[], items: number): Promise<number>;
  /** Seal the active segment and start the next one; resolves with the sealed sequence number. */
  rotate(): Promise<number>;
  /** Sequence of the segment currently open for appends (null once closed). */
  activeSeq(): number | null;
  /** Sequence of the newest segment, open or closed. */
  lastSeq(): number;
  activeItems(): number;
  activeBytes(): number;
  /** Flush pending writes and close the active segment; later appends reject. */
  close(): Promise<void>;
}

export async function openWalWriter(dir: string, firstSeq: number): Promise<WalWriter> {
  const sync = startWalSync();
  let nextSeq = firstSeq;
  let seq = 0;
  let handle: FileHandle | null = null;
  let handleLinked = true;
  let itemsInSegment = 0;
  let bytesInSegment = 0;
  let closed = false;
  let running = false;
  let writes: PendingWrite[] = [];
  let rotations: PendingRotate[] = [];
  let closeWaiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];

  interface Spare {
    seq: number;
    handle: FileHandle;
    /** Linked when created: the sync thread then fails writes once its link count is 0. */
    linked: boolean;
  }
  let spare: Promise<Spare> | null = null;

  async function createSegment(): Promise<Spare> {
    const next = nextSeq++;
    const path = segmentPath(dir, next, 'wal');
    const created = await open(path, 'a');
    try {
      // The new file's directory entry must be durable before any request in it is acknowledged.
      await fsyncDir(dirname(path));
      return { seq: next, handle: created, linked: (await created.stat()).nlink > 0 };
    } catch (err) {
      await created.close();
      throw err;
    }
  }

  function prepareSpare(): void {
    const pending = createSegment();
    // A failed spare is retried by openSegment; the rejection is not lost.
    pending.catch(() => undefined);
    spare = pending;
  }

  async function openSegment(): Promise<void> {
    const ready = spare === null ? null : await spare.catch(() => null);
    spare = null;
    const next = ready ?? (await createSegment());
    seq = next.seq;
    handle = next.handle;
    handleLinked = next.linked;
    itemsInSegment = 0;
    bytesInSegment = 0;
    if (!closed) prepareSpare();
  }

  /** The spare never held a request: it goes. */
  async function dropSpare(): Promise<void> {
    const unused = spare === null ? null : await spare.catch(() => null);
    spare = null;
    if (unused === null) return;
    await unused.handle.close();
    await unlink(segmentPath(dir, unused.seq, 'wal'));
  }

  async function writeBatch(batch: PendingWrite[]): Promise<void> {
    if (!handle) throw new Error('WAL segment is not open');
    const expected = batch.reduce((sum, w) => sum + w.bytes, 0);
    const bytesWritten = await sync.writeAndSync(
      handle.fd,
      batch.flatMap((w) => w.chunks),
      handleLinked,
    );
    if (bytesWritten !== expected) throw new Error(`short WAL write: ${bytesWritten} of ${expected} bytes`);
    for (const w of batch) {
      itemsInSegment += w.items;
      bytesInSegment += w.bytes;
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
            // A failed write may leave a partial record; later requests go to a fresh segment so
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
          await dropSpare();
          for (const c of waiting) c.resolve();
        } catch (err) {
          for (const c of waiting) c.reject(err);
        } finally {
          await sync.close();
        }
      }
    } finally {
      running = false;
    }
  }

  try {
    await openSegment();
  } catch (err) {
    await sync.close();
    throw err;
  }

  return {
    append(chunks, items) {
      if (closed) return Promise.reject(new Error('WAL is closed'));
      const bytes = chunks.reduce((n, c) => n + c.length, 0);
      return new Promise<number>((resolve, reject) => {
        writes.push({ chunks, bytes, items, resolve, reject });
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
    activeSeq: () => (closed ? null : seq),
    lastSeq: () => seq,
    activeItems: () => itemsInSegment,
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
