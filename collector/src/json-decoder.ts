/**
 * Large OTLP/JSON bodies are decoded on a worker thread. `JSON.parse` builds the whole body's
 * tree first: a 31 MB body held the receivers' thread ~400 ms, and every other request's
 * acknowledgment with it (a small protobuf request sent meanwhile: 304–390 ms; decoded here:
 * 6–29 ms). The worker decodes one body at a time and is stopped once idle, which gives back
 * some of the heap the parses grew (four 31 MB bodies at once: 1,160 → 893 MB retained;
 * docs/benchmarks.md).
 */
import { ownBuffer, workerCalls } from './worker-calls.ts';
import type { DecodeSummary, Signal } from './request-decode.ts';

export interface JsonDecoder {
  /** Whether a body of this size is decoded here rather than on the caller's thread. */
  takes(body: Uint8Array): boolean;
  /**
   * The body's summary and the body itself, back from the worker (the one given may be detached).
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

/** The summary with the body, back from the worker (see json-decoder-thread.ts). */
interface Reply {
  id: number;
  summary: DecodeSummary;
  body: Uint8Array;
}

export function createJsonDecoder(options: JsonDecoderOptions): JsonDecoder {
  const calls = workerCalls<{ signal: Signal; body: Uint8Array }, Reply>(
    options.threadUrl ?? new URL('./json-decoder-thread.ts', import.meta.url),
    "the JSON decoder's worker",
  );
  let idle: ReturnType<typeof setTimeout> | undefined;

  return {
    takes: (body) => body.byteLength >= options.minBytes,
    async decode(signal, body) {
      clearTimeout(idle);
      // Moved, not copied, when the body has its buffer to itself: the reply brings it back.
      const own = ownBuffer(body);
      try {
        const reply = await calls.call({ signal, body: own }, [own.buffer]);
        return { summary: reply.summary, body: reply.body };
      } catch (err) {
        return { failed: (err as Error).message };
      } finally {
        if (calls.running() && calls.pending() === 0) {
          clearTimeout(idle);
          idle = setTimeout(() => void calls.stop(), options.idleMs);
          idle.unref();
        }
      }
    },
    running: () => calls.running(),
    async close() {
      clearTimeout(idle);
      await calls.stop();
    },
  };
}
