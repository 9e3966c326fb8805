/**
 * Byte sources for the Parquet reader (hyparquet's AsyncBuffer): HTTP range requests that count
 * the bytes fetched and turn failures into EngineErrors, and dropped File objects.
 */
import type { AsyncBuffer } from 'hyparquet';
import type { EngineError } from './api.ts';
import { classifyFetchFailure, classifyHttpStatus, EngineFailure } from './errors.ts';

/** Files at most this big are fetched whole in one request: fewer round trips than footer + chunks. */
export const WHOLE_FILE_BYTES = 1 << 20;

export interface FetchCounter {
  bytes: number;
  onFetched: (bytes: number) => void;
}

/** `notFound`: what a 404 means here, when it means more than a missing URL. */
export async function fetchChecked(
  url: string,
  init: RequestInit,
  origin: string,
  notFound?: EngineError,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new EngineFailure(classifyFetchFailure(err, url, origin));
  }
  if (res.status === 404 && notFound) throw new EngineFailure(notFound);
  if (!res.ok) throw new EngineFailure(classifyHttpStatus(res.status, url));
  return res;
}

export async function byteLengthOfUrl(url: string, origin: string): Promise<number> {
  const head = await fetchChecked(url, { method: 'HEAD' }, origin);
  const len = Number(head.headers.get('Content-Length'));
  if (Number.isFinite(len) && len > 0) return len;
  const probe = await fetchChecked(url, { headers: { Range: 'bytes=0-0' } }, origin);
  await probe.arrayBuffer();
  const total = Number(/\/(\d+)$/.exec(probe.headers.get('Content-Range') ?? '')?.[1]);
  if (!Number.isFinite(total))
    throw new EngineFailure({
      kind: 'unreachable',
      message: `${url} does not report its size (Content-Length / Content-Range).`,
    });
  return total;
}

export function urlSource(
  url: string,
  byteLength: number,
  origin: string,
  counter: FetchCounter,
  notFound?: EngineError,
): AsyncBuffer {
  /** The whole file, once asked for (small files) or once the server sent it all (no Range support). */
  let whole: Promise<ArrayBuffer> | undefined;
  const keepWhole = (bytes: Promise<ArrayBuffer>): Promise<ArrayBuffer> => {
    whole = bytes;
    // A failed read (the collector restarting, a dropped connection) is tried again next time.
    bytes.catch(() => {
      if (whole === bytes) whole = undefined;
    });
    return bytes;
  };
  const body = async (res: Response): Promise<ArrayBuffer> => {
    const buf = await res.arrayBuffer();
    counter.bytes += buf.byteLength;
    counter.onFetched(buf.byteLength);
    return buf;
  };
  // No Range header: a host that compresses what it sends still answers it (see `get`).
  const fetchWhole = (): Promise<ArrayBuffer> =>
    keepWhole(fetchChecked(url, {}, origin, notFound).then(body));
  const get = async (start: number, end: number): Promise<ArrayBuffer> => {
    let res: Response;
    try {
      res = await fetchChecked(url, { headers: { Range: `bytes=${start}-${end - 1}` } }, origin, notFound);
    } catch (err) {
      // The answer never arrived: Chromium refuses a gzip-encoded answer to a Range request (it
      // asked for none), and a host may not allow the Range header (CORS). Read whole, it may
      // come; if not, the first failure says why.
      if (!(err instanceof EngineFailure) || (err.error.kind !== 'cors' && err.error.kind !== 'unreachable'))
        throw err;
      const all = whole ?? fetchWhole();
      return (await all.catch(() => Promise.reject(err))).slice(start, end);
    }
    if (res.status === 206) return body(res);
    // A server without Range support answers 200 with everything: kept, so that the next slices
    // of a large file do not download all of it again each.
    let all = whole;
    if (all) void res.body?.cancel();
    else all = keepWhole(body(res));
    return (await all).slice(start, end);
  };
  const cache = new Map<string, Promise<ArrayBuffer>>();
  return {
    byteLength,
    slice(start: number, end?: number): Promise<ArrayBuffer> {
      const s = start < 0 ? Math.max(0, byteLength + start) : start;
      const e = end ?? byteLength;
      if (whole) return whole.then((b) => b.slice(s, e));
      if (byteLength <= WHOLE_FILE_BYTES || (s === 0 && e >= byteLength))
        return fetchWhole().then((b) => b.slice(s, e));
      const key = `${s}-${e}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = get(s, e);
        cache.set(key, hit);
        hit.catch(() => cache.delete(key));
      }
      return hit;
    },
  };
}

export function fileSource(file: Blob): AsyncBuffer {
  return {
    byteLength: file.size,
    slice: (start: number, end?: number) =>
      file.slice(start < 0 ? file.size + start : start, end ?? file.size).arrayBuffer(),
  };
}
