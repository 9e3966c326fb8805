/**
 * Large OTLP/JSON bodies are decoded on a worker thread. `JSON.parse` builds the whole body's
 * tree first: a 31 MB body held the receivers' thread ~400 ms, and every other request's
 * acknowledgment with it (a small protobuf request sent meanwhile: 304–390 ms; decoded here:
 * 6–29 ms). The worker decodes one body at a time and is stopped once idle, which gives back
 * some of the heap the parses grew (four 31 MB bodies at once: 1,160 → 893 MB retained;
 * docs/benchmarks.md).
 */
import { Worker } from 'node:worker_threads';
import type { DecodeSummary, Signal } from './request-decode.ts';

export interface JsonDecoder {
  /** Whether a body of this size is decoded here rather than on the caller's thread. */
  takes(body: Uint8Array): boolean;
  /**
   * The body's summary and the body itself, back from the worker (the one given is detached).
   * `failed` when the worker died (crashed, or was stopped) before answering: the body is gone.
   */
  decode(
    signal: Signal,
    body: Uint8Array,
  ): Promise<{ summary: DecodeSummary; body: Uint8Array } | { failed: string }>;
  /** Whether a worker is running now (tests). */
  running(): boolean;
  close(): Promise<void>;
}

export interface JsonDecoderOptions {
  /** Bodies of at least this many bytes go to the worker. */
  minBytes: number;
  /** A worker idle this long is stopped. */
  idleMs: number;
  /** The worker's module (tests substitute one). */
  threadUrl?: URL;
}

/**
 * From 4 MB (~70 ms of parse here; 2.5 MB took 42–65 ms): a smaller body holds the receivers'
 * thread for less than starting the worker takes (~90 ms).
 */
export const JSON_OFF_THREAD_MIN_BYTES = 4 * 1024 * 1024;
export const JSON_DECODER_IDLE_MS = 2_000;

type Answer = { summary: DecodeSummary; body: Uint8Array } | { failed: string };

interface Running {
  thread: Worker;
  /** Jobs sent to this worker and not answered yet. */
  pending: Map<number, (answer: Answer) => void>;
}

export function createJsonDecoder(options: JsonDecoderOptions): JsonDecoder {
  const threadUrl = options.threadUrl ?? new URL('./json-decoder-thread.ts', import.meta.url);
  let current: Running | null = null;
  let nextId = 1;
  let idle: ReturnType<typeof setTimeout> | undefined;

  function stop(running: Running): Promise<number> {
    if (current === running) current = null;
    return running.thread.terminate();
  }

  function start(): Running {
    const running: Running = { thread: new Worker(threadUrl), pending: new Map() };
    // It must not keep the process alive; shutdown stops it anyway.
    running.thread.unref();
    running.thread.on('message', (message: { id: number; summary: DecodeSummary; body: Uint8Array }) => {
      const resolve = running.pending.get(message.id);
      running.pending.delete(message.id);
      resolve?.({ summary: message.summary, body: message.body });
      if (running.pending.size === 0 && current === running) {
        idle = setTimeout(() => void stop(running), options.idleMs);
        idle.unref();
      }
    });
    const fail = (why: string): void => {
      if (current === running) current = null;
      for (const resolve of running.pending.values()) resolve({ failed: why });
      running.pending.clear();
    };
    running.thread.on('error', (err) => fail(String(err)));
    running.thread.on('exit', (code) => fail(`the JSON decoder's worker exited (${code})`));
    return running;
  }

  return {
    takes: (body) => body.byteLength >= options.minBytes,
    decode(signal, body) {
      clearTimeout(idle);
      const running = (current ??= start());
      // Only a buffer the body has to itself can be handed over; a view into a shared one is copied.
      const own =
        body.buffer instanceof ArrayBuffer &&
        body.byteOffset === 0 &&
        body.byteLength === body.buffer.byteLength
          ? body
          : new Uint8Array(body);
      const id = nextId++;
      const answer = new Promise<Answer>((resolve) => running.pending.set(id, resolve));
      running.thread.postMessage({ id, signal, body: own }, [own.buffer as ArrayBuffer]);
      return answer;
    },
    running: () => current !== null,
    async close() {
      clearTimeout(idle);
      if (current !== null) await stop(current);
    },
  };
}
