/**
 * Calls to a worker thread that answers each request with a reply carrying the request's id. A
 * thread that throws or exits fails the calls it had, each with the reason, and the next call
 * starts a new one. The WAL's sync thread and the JSON decoder's worker are both driven so.
 */
import { Worker } from 'node:worker_threads';
import type { TransferListItem } from 'node:worker_threads';

export interface WorkerCalls<Request, Reply> {
  /** Sends `request`, with an `id` added, to the thread (started if none runs); resolves with its reply. */
  call(request: Request, transfer?: readonly TransferListItem[]): Promise<Reply>;
  /** Starts a thread now if none runs, so the first call does not wait for one to boot. */
  start(): void;
  running(): boolean;
  /** Calls waiting for their reply. */
  pending(): number;
  /** Stops the thread; its calls fail, and a later call starts another. */
  stop(): Promise<void>;
}

/**
 * `view` over a buffer of its own. A message carries a view's whole buffer (copied, or moved when
 * transferred), so a view into a larger one (Node's pooled buffers among them) is copied to its
 * size first.
 */
export function ownBuffer(view: Uint8Array): Uint8Array<ArrayBuffer> {
  return view.buffer instanceof ArrayBuffer &&
    view.byteOffset === 0 &&
    view.byteLength === view.buffer.byteLength
    ? (view as Uint8Array<ArrayBuffer>)
    : new Uint8Array(view);
}

interface Thread<Reply> {
  worker: Worker;
  waiting: Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>;
}

/** `name` begins the errors of calls a dying thread fails ("<name> exited with code 1"). */
export function workerCalls<Request extends object, Reply extends { id: number }>(
  threadUrl: URL,
  name: string,
): WorkerCalls<Request, Reply> {
  let current: Thread<Reply> | null = null;
  let nextId = 1;

  const start = (): Thread<Reply> => {
    const worker = new Worker(threadUrl);
    // An idle thread must not keep the process alive; its owner stops it.
    worker.unref();
    const thread: Thread<Reply> = { worker, waiting: new Map() };
    const fail = (err: Error): void => {
      if (current === thread) current = null;
      for (const w of thread.waiting.values()) w.reject(err);
      thread.waiting.clear();
    };
    worker.on('message', (reply: Reply) => {
      const w = thread.waiting.get(reply.id);
      thread.waiting.delete(reply.id);
      w?.resolve(reply);
    });
    worker.on('error', (err) => fail(new Error(`${name} failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`${name} exited with code ${code}`)));
    return thread;
  };

  return {
    call(request, transfer = []) {
      const thread = (current ??= start());
      const id = nextId++;
      return new Promise<Reply>((resolve, reject) => {
        thread.waiting.set(id, { resolve, reject });
        thread.worker.postMessage({ ...request, id }, transfer);
      });
    },
    start() {
      current ??= start();
    },
    running: () => current !== null,
    pending: () => current?.waiting.size ?? 0,
    async stop() {
      const thread = current;
      current = null;
      await thread?.worker.terminate();
    },
  };
}
