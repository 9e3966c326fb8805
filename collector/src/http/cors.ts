/**
 * CORS for the data and ingest routes: the viewer (or any allowed origin) reads Parquet with
 * range requests, so the range headers must be exposed; browser OTLP exporters POST JSON, with
 * whatever headers their user configured (an API key, a tenant id), which their preflight names.
 */
import type { RequestHandler } from 'express';

const EXPOSED = 'Content-Length, Content-Range, Accept-Ranges, ETag, Retry-After';
/** Seconds a browser may reuse a preflight's answer (Chromium caps it at 7200). */
const MAX_AGE = '600';
/** An HTTP field name is a token (RFC 9110 §5.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** More names than any exporter sends: a preflight asking for more gets the first ones. */
const MAX_REQUESTED = 64;

export interface CorsOptions {
  /** Also allow the headers a preflight from an allowed origin asks for (tokens only). */
  allowRequestedHeaders?: boolean;
}

export function cors(
  origins: '*' | readonly string[],
  methods: string,
  allowHeaders: readonly string[],
  options: CorsOptions = {},
): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    let allowed = origins === '*';
    if (origins === '*') res.setHeader('Access-Control-Allow-Origin', '*');
    else {
      res.vary('Origin');
      if (origin !== undefined && origins.includes(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        allowed = true;
      }
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    if (req.method === 'OPTIONS') {
      let headers = allowHeaders;
      if (options.allowRequestedHeaders === true) {
        res.vary('Access-Control-Request-Headers');
        if (allowed) headers = withRequested(allowHeaders, req.headers['access-control-request-headers']);
      }
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', headers.join(', '));
      res.setHeader('Access-Control-Max-Age', MAX_AGE);
      res.status(204).end();
      return;
    }
    next();
  };
}

/** `base` and the names a preflight asked for that are tokens, each once (case-insensitive). */
export function withRequested(base: readonly string[], requested: string | undefined): string[] {
  const names = [...base];
  const seen = new Set(base.map((name) => name.toLowerCase()));
  for (const entry of (requested ?? '').split(',').slice(0, MAX_REQUESTED)) {
    const name = entry.trim();
    if (!TOKEN.test(name) || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    names.push(name);
  }
  return names;
}
