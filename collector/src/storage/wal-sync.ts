/**
 * Writes and fsyncs WAL groups on a thread of their own, at normal priority. Node's own async
 * file calls run on libuv's shared pool, where DuckDB's statements also run; the collector lowers
 * that pool's priority (thread-priority.ts) so Parquet writing gives way to ingest on a busy
 * machine, and the WAL's write and fsync, the one wait on the ack path, must not give way with
 * it. Measured (bench-collector probe, 21k spans/s beside a busy materializer): ack p99 41–92 ms
 * with the WAL on the pool at normal priority; 32 ms with it here; 28 ms with the pool lowered too.
 */
import { Worker } from 'node:worker_threads';

export interface SyncRequest {
  id: number;
  fd: number;
  chunks: readonly Buffer[];
}

export interface SyncReply {
  id: number;
  bytesWritten: number;
  error: { message: string; code: string | null } | null;
}

export interface WalSync {
  /** Appends the chunks at the end of the file `fd` and fdatasyncs it; resolves with the bytes written. */
  writeAndSync(fd: number, chunks: readonly Buffer[]): Promise<number>;
  close(): Promise<void>;
}

const THREAD_URL = new URL('./wal-sync-thread.ts', import.meta.url);

/** The thread's system error as Node's own calls give it: a message and its errno code. */
function systemError(error: NonNullable<SyncReply['error']>): NodeJS.ErrnoException {
  return Object.assign(new Error(error.message), error.code === null ? {} : { code: error.code });
}

export function startWalSync(): WalSync {
  const worker = new Worker(THREAD_URL);
  // Only the collector's own requests keep the process alive, not an idle sync thread.
  worker.unref();
  const waiting = new Map<number, { resolve: (n: number) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;

  const failAll = (err: Error): void => {
    failure ??= err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (reply: SyncReply) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error === null) w?.resolve(reply.bytesWritten);
    else w?.reject(systemError(reply.error));
  });
  worker.on('error', (err) => failAll(new Error(`WAL sync thread failed: ${err.message}`)));
  worker.on('exit', (code) => failAll(new Error(`WAL sync thread exited with code ${code}`)));

  return {
    writeAndSync(fd, chunks) {
      if (failure !== null) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<number>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, fd, chunks } satisfies SyncRequest);
      });
    },
    async close() {
      failure ??= new Error('WAL sync thread closed');
      await worker.terminate();
    },
  };
}
