/** EngineError values and the classification of fetch failures into them. */
import type { EngineError, EngineErrorKind, Result } from './api.ts';

export function engineError(kind: EngineErrorKind, message: string): EngineError {
  return { kind, message };
}

export function fail<T>(kind: EngineErrorKind, message: string): Result<T> {
  return { ok: false, error: engineError(kind, message) };
}

export const CANCELLED: Result<never> = {
  ok: false,
  error: engineError('cancelled', 'Superseded by a newer request.'),
};

/** Thrown inside the worker's loading code and turned into a Result at the API boundary. */
export class EngineFailure extends Error {
  readonly error: EngineError;
  constructor(error: EngineError) {
    super(error.message);
    this.error = error;
  }
}

export function isCrossOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url, origin).origin !== new URL(origin).origin;
  } catch {
    return false;
  }
}

/**
 * A fetch that rejects with a TypeError never reached an HTTP answer: to another origin that is
 * usually a CORS refusal (the browser hides which), on the same origin the server is unreachable.
 */
export function classifyFetchFailure(err: unknown, url: string, origin: string): EngineError {
  const isNetwork = err instanceof TypeError;
  if (isNetwork && isCrossOrigin(url, origin)) {
    return engineError(
      'cors',
      `The browser could not read ${url}: the server did not answer, or it does not allow this origin (CORS); the browser does not say which.`,
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return engineError('unreachable', `Could not reach ${url}: ${detail}`);
}

/** The server is up and said no: the advice is about the path or access, not about reaching it. */
export function classifyHttpStatus(status: number, url: string): EngineError {
  return {
    kind: 'http-status',
    status,
    message: `${url} answered HTTP ${status}${status === 404 ? ' (not found)' : ''}.`,
  };
}

/**
 * DuckDB-WASM and parquet-wasm out of memory: a WebAssembly trap (`unreachable`, surfacing as
 * just that word once it crossed a worker), DuckDB's own out-of-memory error, or a failed buffer
 * allocation in JavaScript.
 */
function isOutOfMemory(err: unknown, message: string): boolean {
  return (
    (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) ||
    /^(RuntimeError: )?unreachable( executed)?$|out of memory|memory access out of bounds|allocation failed/i.test(
      message.trim(),
    )
  );
}

/** `files`: the open source's, to name the largest when memory ran out. */
export function toEngineError(
  err: unknown,
  files: readonly { path: string; bytes: number }[] = [],
): EngineError {
  if (err instanceof EngineFailure) return err.error;
  const message = err instanceof Error ? err.message : String(err);
  if (!isOutOfMemory(err, message)) return engineError('query-failed', message);
  const largest = files.reduce<{ path: string; bytes: number } | null>(
    (a, f) => (a === null || f.bytes > a.bytes ? f : a),
    null,
  );
  const size = largest
    ? ` Its largest file, ${largest.path.slice(largest.path.lastIndexOf('/') + 1)}, is ${Math.round(largest.bytes / 1e6)} MB.`
    : '';
  return engineError('out-of-memory', `The query engine ran out of memory (${message}).${size}`);
}
