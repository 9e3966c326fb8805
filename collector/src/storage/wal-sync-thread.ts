/**
 * Entry point of the WAL's sync thread (see wal-sync.ts): writes a group of records to an open
 * segment and fdatasyncs it, with blocking calls on a thread of its own.
 */
import { fdatasyncSync, writevSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { SyncReply, SyncRequest } from './wal-sync.ts';

if (parentPort === null) throw new Error('wal-sync-thread.ts runs as a worker thread');
const port = parentPort;

port.on('message', ({ id, fd, chunks }: SyncRequest) => {
  let reply: SyncReply;
  try {
    const bytesWritten = writevSync(fd, chunks);
    fdatasyncSync(fd);
    reply = { id, bytesWritten, error: null };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reply = { id, bytesWritten: 0, error: { message: e.message, code: e.code ?? null } };
  }
  port.postMessage(reply);
});
