/**
 * The WAL's sync thread, except that it exits, without answering, when asked to write to fd -1
 * (see wal-sync.test.ts). Its listener goes first, so the real one never sees that request.
 */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (message: { fd: number }) => {
  if (message.fd === -1) process.exit(7);
});
await import('../../src/storage/wal-sync-thread.ts');
