/**
 * The main thread's handle on the materializer thread: starts the worker, turns flush/close into
 * promises, forwards its logs, and reports commits and crashes.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import type { FromMaterializer, StartOptions, ToMaterializer } from './worker-protocol.ts';

type Started = Extract<FromMaterializer, { type: 'started' }>;
type Committed = Extract<FromMaterializer, { type: 'committed' }>;

export interface MaterializerThread {
  started: Started;
  sealed(upTo: number): void;
  flush(upTo: number): Promise<void>;
  /** Final flush, then the thread exits. */
  close(upTo: number): Promise<void>;
}

export interface ThreadEvents {
  logger: Logger;
  committed(message: Committed): void;
  /** The thread died without being closed (an uncaught error, or out of memory). */
  crashed(error: string): void;
}

const WORKER_URL = new URL('./storage-worker.ts', import.meta.url);

export function startMaterializerThread(
  options: StartOptions,
  events: ThreadEvents,
): Promise<MaterializerThread> {
  const worker = new Worker(WORKER_URL);
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let closing = false;
  let exited = false;
  let running = false;

  const send = (message: ToMaterializer): void => {
    if (!exited) worker.postMessage(message);
  };
  const request = (type: 'flush' | 'close', upTo: number): Promise<void> => {
    if (exited) return Promise.reject(new Error('the materializer thread has exited'));
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      send({ type, id, upTo });
    });
  };

  return new Promise<MaterializerThread>((resolve, reject) => {
    const fail = (error: string): void => {
      exited = true;
      for (const w of waiting.values()) w.reject(new Error(error));
      waiting.clear();
      reject(new Error(error));
      if (!closing && running) events.crashed(error);
    };
    worker.on('message', (message: FromMaterializer) => {
      switch (message.type) {
        case 'started':
          running = true;
          resolve({
            started: message,
            sealed: (upTo) => send({ type: 'sealed', upTo }),
            flush: (upTo) => request('flush', upTo),
            close: async (upTo) => {
              closing = true;
              try {
                await request('close', upTo);
              } finally {
                await worker.terminate();
              }
            },
          });
          return;
        case 'start_failed':
          closing = true;
          void worker.terminate();
          reject(new Error(message.error));
          return;
        case 'committed':
          events.committed(message);
          return;
        case 'log':
          events.logger.log(message.level, message.event, message.fields);
          return;
        case 'done': {
          const w = waiting.get(message.id);
          waiting.delete(message.id);
          if (message.error === null) w?.resolve();
          else w?.reject(new Error(message.error));
          return;
        }
      }
    });
    worker.on('error', (err) => fail(`materializer thread failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => {
      if (!exited) fail(`materializer thread exited with code ${code}`);
    });
    send({ type: 'start', options });
  });
}
