/**
 * Entry point of the materializer thread (see materializer.ts): the main thread sends `start`,
 * then sealed/flush/close; replies and logs go back as messages.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { backgroundNice } from '../thread-priority.ts';
import { startMaterializer } from './materializer.ts';
import type { Materializer } from './materializer.ts';
import type { FromMaterializer, ToMaterializer } from './worker-protocol.ts';

if (parentPort === null) throw new Error('storage-worker.ts runs as a worker thread');
const port = parentPort;
const emit = (message: FromMaterializer): void => port.postMessage(message);
const reply = (id: number, done: Promise<void>): void => {
  done.then(
    () => emit({ type: 'done', id, error: null }),
    (err: unknown) => emit({ type: 'done', id, error: String((err as Error)?.stack ?? err) }),
  );
};

// On Linux this lowers only this thread: when the cores are busy, ingest runs first and
// materialization takes the time left over (see thread-priority.ts).
setPriority(backgroundNice());

let materializer: Promise<Materializer> | null = null;

port.on('message', (message: ToMaterializer) => {
  if (message.type === 'start') {
    materializer = startMaterializer(message.options, emit);
    materializer.catch((err: unknown) => {
      // The operator's line says what failed; the stack is for a bug report, at debug level.
      if (err instanceof Error && err.stack !== undefined)
        emit({
          type: 'log',
          level: 'debug',
          event: 'storage.start_failed_stack',
          fields: { stack: err.stack },
        });
      emit({ type: 'start_failed', error: err instanceof Error ? err.message : String(err) });
    });
    return;
  }
  if (materializer === null) throw new Error(`${message.type} before start`);
  const running = materializer;
  switch (message.type) {
    case 'sealed':
      void running.then((m) => m.sealed(message.upTo));
      return;
    case 'flush':
      reply(
        message.id,
        running.then((m) => m.flush(message.upTo)),
      );
      return;
    case 'close':
      reply(
        message.id,
        running.then((m) => m.close(message.upTo)),
      );
      return;
  }
});
