/**
 * CORS for the data and ingest routes: the viewer (or any allowed origin) reads Parquet with
 * range requests, so the range headers must be exposed; browser OTLP exporters POST JSON.
 */
import type { RequestHandler } from 'express';

const EXPOSED = 'Content-Length, Content-Range, Accept-Ranges, ETag, Retry-After';

export function cors(
  origins: '*' | readonly string[],
  methods: string,
  allowHeaders: string,
): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origins === '*') res.setHeader('Access-Control-Allow-Origin', '*');
    else {
      res.vary('Origin');
      if (origin !== undefined && origins.includes(origin))
        res.setHeader('Access-Control-Allow-Origin', origin);
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', allowHeaders);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
