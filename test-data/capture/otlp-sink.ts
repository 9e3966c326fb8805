/** A local OTLP/HTTP receiver that keeps every request body exactly as it arrived. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedBody {
  signal: 'traces' | 'logs';
  contentType: string;
  contentEncoding: string | null;
  bytes: Uint8Array;
}

export interface OtlpSink {
  url: string;
  bodies: ReceivedBody[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const SIGNALS: Record<string, ReceivedBody['signal']> = { '/v1/traces': 'traces', '/v1/logs': 'logs' };

export async function startOtlpSink(): Promise<OtlpSink> {
  const bodies: ReceivedBody[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((bytes) => {
      const signal = SIGNALS[new URL(req.url ?? '/', 'http://sink').pathname];
      const contentType = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || !signal) {
        res.writeHead(404).end();
        return;
      }
      bodies.push({
        signal,
        contentType,
        contentEncoding: req.headers['content-encoding'] ?? null,
        bytes: new Uint8Array(bytes),
      });
      // An empty ExportServiceResponse: zero bytes in protobuf, `{}` in JSON.
      if (contentType.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
