/**
 * Entry point of the WAL's sync thread (see wal-sync.ts): writes a group of records to an open
 * segment and fdatasyncs it, with blocking calls on a thread of its own.
 */
import { fdatasyncSync, fstatSync, writevSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { SyncReply, SyncRequest } from './wal-sync.ts';

if (parentPort === null) throw new Error('wal-sync-thread.ts runs as a worker thread');
const port = parentPort;

/**
 * A segment whose last name is gone (its data directory deleted under the running collector)
 * still takes writes and fsyncs, to an inode nothing will ever read: those requests must fail,
 * not be acknowledged. Only a segment that had a link when the writer created it counts, in case a
 * file system reports no link count at all.
 */
function checkNamed(fd: number, linked: boolean): void {
  if (linked && fstatSync(fd).nlink === 0)
    throw Object.assign(new Error('the WAL segment was deleted: is the data directory still there?'), {
      code: 'ENOENT',
    });
}

port.on('message', ({ id, fd, chunks, linked }: SyncRequest) => {
  let reply: SyncReply;
  try {
    const bytesWritten = writevSync(fd, chunks);
    fdatasyncSync(fd);
    checkNamed(fd, linked);
    reply = { id, bytesWritten, error: null };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reply = { id, bytesWritten: 0, error: { message: e.message, code: e.code ?? null } };
  }
  port.postMessage(reply);
});
