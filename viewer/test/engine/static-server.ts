/**
 * A small static file server with single Range requests, HEAD and CORS, as a snapshot host (and
 * app host) for the engine's tests, browser check and benchmark. Roots are mounted by URL prefix.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.parquet': 'application/vnd.apache.parquet',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  url: string;
  server: Server;
  /** Bytes of response bodies sent, per mount prefix. */
  bytesSent: Map<string, number>;
  close(): Promise<void>;
}

async function resolveFile(root: string, urlPath: string, fallback: string | null): Promise<string | null> {
  const rel = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.(\/|\\|$))+/, '');
  const abs = join(root, rel);
  if (abs !== root && !abs.startsWith(root + sep)) return null;
  const s = await stat(abs).catch(() => null);
  if (s?.isFile()) return abs;
  if (s?.isDirectory()) {
    const index = join(abs, 'index.html');
    if (await stat(index).catch(() => null)) return index;
  }
  return fallback ? join(root, fallback) : null;
}

function sendGzipped(req: IncomingMessage, res: ServerResponse, raw: Buffer, type: string): void {
  const body = gzipSync(raw);
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range?.[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
  const part = body.subarray(start, end + 1);
  res.writeHead(range ? 206 : 200, {
    'Content-Type': type,
    'Content-Encoding': 'gzip',
    'Content-Length': part.length,
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${body.length}` } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : part);
}

export async function startStaticServer(
  mounts: Record<string, string>,
  /**
   * `gzip`: every file is sent gzip-compressed whatever the request accepts, and a Range counts
   * bytes of the compressed file, as a bucket serves objects stored with Content-Encoding: gzip.
   */
  options: { spaFallback?: string; cors?: boolean; gzip?: boolean } = {},
): Promise<StaticServer> {
  const bytesSent = new Map<string, number>();
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (options.cors !== false) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Range');
      res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges, ETag');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const prefix = prefixes.find((p) => path.startsWith(p));
    if (prefix === undefined) {
      res.writeHead(404).end();
      return;
    }
    const root = mounts[prefix] as string;
    const file = await resolveFile(
      root,
      path.slice(prefix.length),
      prefix === '/' ? (options.spaFallback ?? null) : null,
    );
    const s = file ? await stat(file).catch(() => null) : null;
    if (!file || !s) {
      res.writeHead(404).end('not found');
      return;
    }
    if (options.gzip) {
      sendGzipped(req, res, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
      return;
    }
    const headers: Record<string, string | number> = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: `"${s.size}-${s.mtimeMs}"`,
      'Cache-Control': 'no-cache',
    };
    let start = 0;
    let end = s.size - 1;
    let status = 200;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (req.headers.range && range) {
      if (range[1] === '') {
        start = Math.max(0, s.size - Number(range[2]));
      } else {
        start = Number(range[1]);
        end = range[2] === '' ? s.size - 1 : Math.min(Number(range[2]), s.size - 1);
      }
      if (start > end || start >= s.size) {
        res.writeHead(416, { 'Content-Range': `bytes */${s.size}` }).end();
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${s.size}`;
    }
    headers['Content-Length'] = end - start + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || s.size === 0) {
      res.end();
      return;
    }
    bytesSent.set(prefix, (bytesSent.get(prefix) ?? 0) + (end - start + 1));
    createReadStream(file, { start, end }).pipe(res);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    bytesSent,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
