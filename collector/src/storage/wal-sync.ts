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

interface Waiting {
  resolve: (bytesWritten: number) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  waiting: Map<number, Waiting>;
}

/** A copy of a view that covers only part of its buffer: a message would carry the whole buffer. */
function tight(chunk: Buffer): Buffer {
  return chunk.byteLength === chunk.buffer.byteLength ? chunk : Buffer.from(chunk);
}

/** The thread's system error as Node's own calls give it: a message and its errno code. */
function systemError(error: NonNullable<SyncReply['error']>): NodeJS.ErrnoException {
  return Object.assign(new Error(error.message), error.code === null ? {} : { code: error.code });
}

/**
 * `threadUrl` is the thread's entry point; tests point it at one that can be made to die. A
 * thread that dies fails the writes it had (each request gets its error; the WAL writer moves to
 * a fresh segment) and the next write starts a new one.
 */
export function startWalSync(threadUrl: URL = THREAD_URL): WalSync {
  let closed = false;
  let nextId = 1;

  const start = (): Thread => {
    const worker = new Worker(threadUrl);
    // Only the collector's own requests keep the process alive, not an idle sync thread.
    worker.unref();
    const waiting = new Map<number, Waiting>();
    const thread = { worker, waiting };
    const fail = (err: Error): void => {
      if (current === thread) current = null;
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    };
    worker.on('message', (reply: SyncReply) => {
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (reply.error === null) w?.resolve(reply.bytesWritten);
      else w?.reject(systemError(reply.error));
    });
    worker.on('error', (err) => fail(new Error(`WAL sync thread failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`WAL sync thread exited with code ${code}`)));
    return thread;
  };
  // Started now, so the first request does not wait for a thread to boot.
  let current: Thread | null = start();

  return {
    writeAndSync(fd, chunks) {
      if (closed) return Promise.reject(new Error('WAL sync thread closed'));
      current ??= start();
      const { worker, waiting } = current;
      const id = nextId++;
      return new Promise<number>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, fd, chunks: chunks.map(tight) } satisfies SyncRequest);
      });
    },
    async close() {
      closed = true;
      const thread = current;
      current = null;
      await thread?.worker.terminate();
    },
  };
}
