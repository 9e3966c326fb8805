/**
 * GET/HEAD /data/manifest.json and /data/**.parquet, read-only, for the viewer and for any HTTP
 * Parquet reader: single Range, ETag/If-None-Match, Cache-Control. Anything else is 404.
 */
import { pipeline } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import { parseRange } from './range.ts';
import { dataRelativePath, openInside, type OpenedFile } from './safe-path.ts';

export function dataRoute(dataDir: string): RequestHandler {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.status(405).json({ error: 'method not allowed' });
      return;
    }
    // req.url is relative to the /data mount point and still percent-encoded.
    const encoded = (req.url.split('?')[0] ?? '').slice(1);
    const relative = dataRelativePath(encoded);
    const opened = relative === null ? null : await openInside(dataDir, relative);
    if (relative === null || opened === null) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    sendFile(req, res, opened, relative === 'manifest.json');
  };
}

/** Sends the open file (and closes it): its headers and bytes are of one version of the file. */
function sendFile(req: Request, res: Response, file: OpenedFile, mutable: boolean): void {
  const etag = `"${file.version}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', mutable ? 'no-cache' : 'public, max-age=31536000, immutable');
  res.setHeader('Content-Type', mutable ? 'application/json' : 'application/vnd.apache.parquet');
  if (etagListMatches(req.headers['if-none-match'], etag)) {
    release(file);
    res.status(304).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const range =
    ifRange === undefined || ifRange === etag
      ? parseRange(req.headers.range, file.size)
      : { kind: 'none' as const };
  if (range.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${file.size}`);
    release(file);
    res.status(416).end();
    return;
  }
  const start = range.kind === 'range' ? range.start : 0;
  const end = range.kind === 'range' ? range.end : file.size - 1;
  if (range.kind === 'range') {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  }
  res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
  if (req.method === 'HEAD' || file.size === 0) {
    release(file);
    res.end();
    return;
  }
  // The stream closes the handle; a client gone mid-way destroys it (and so closes it) too.
  pipeline(file.handle.createReadStream({ start, end }), res, () => undefined);
}

function release(file: OpenedFile): void {
  file.handle.close().catch(() => undefined);
}

function etagListMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
