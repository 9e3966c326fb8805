/**
 * Writes and fsyncs WAL groups on a thread of their own, at normal priority. Node's own async
 * file calls run on libuv's shared pool, where DuckDB's statements also run; the collector lowers
 * that pool's priority (thread-priority.ts) so Parquet writing gives way to ingest on a busy
 * machine, and the WAL's write and fsync, the one wait on the ack path, must not give way with
 * it. Measured (bench-collector probe, 21k spans/s beside a busy materializer): ack p99 41–92 ms
 * with the WAL on the pool at normal priority; 32 ms with it here; 28 ms with the pool lowered too.
 */
import { ownBuffer, workerCalls } from '../worker-calls.ts';

export interface SyncRequest {
  id: number;
  fd: number;
  chunks: readonly Uint8Array[];
  /** The file had a link count above 0 when it was created: a count of 0 now means it was deleted. */
  linked: boolean;
}

export interface SyncReply {
  id: number;
  bytesWritten: number;
  error: { message: string; code: string | null } | null;
}

export interface WalSync {
  /**
   * Appends the chunks at the end of the file `fd` and fdatasyncs it; resolves with the bytes
   * written. `linked`: whether the file had a name when created (see SyncRequest).
   */
  writeAndSync(fd: number, chunks: readonly Buffer[], linked?: boolean): Promise<number>;
  close(): Promise<void>;
}

const THREAD_URL = new URL('./wal-sync-thread.ts', import.meta.url);

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
  const calls = workerCalls<Omit<SyncRequest, 'id'>, SyncReply>(threadUrl, 'WAL sync thread');
  // Started now, so the first request does not wait for a thread to boot.
  calls.start();
  let closed = false;

  return {
    async writeAndSync(fd, chunks, linked = true) {
      if (closed) throw new Error('WAL sync thread closed');
      const reply = await calls.call({ fd, chunks: chunks.map(ownBuffer), linked });
      if (reply.error !== null) throw systemError(reply.error);
      return reply.bytesWritten;
    },
    async close() {
      closed = true;
      await calls.stop();
    },
  };
}
