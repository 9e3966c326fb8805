/** A raw OTLP/gRPC client: sends bytes, returns bytes or the gRPC error. */
import * as grpc from '@grpc/grpc-js';
import { LOGS_EXPORT_PATH, TRACE_EXPORT_PATH } from '../../src/grpc/server.ts';

export type GrpcReply = { ok: true; body: Buffer } | { ok: false; code: grpc.status; details: string };

export function grpcExport(
  port: number,
  signal: 'traces' | 'logs',
  body: Uint8Array,
  token?: string,
  options: { gzip?: boolean } = {},
): Promise<GrpcReply> {
  // 2 = gzip in grpc-js's compression algorithm enum.
  const channelOptions = options.gzip === true ? { 'grpc.default_compression_algorithm': 2 } : {};
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), channelOptions);
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  const identity = (b: Buffer): Buffer => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      signal === 'traces' ? TRACE_EXPORT_PATH : LOGS_EXPORT_PATH,
      identity,
      identity,
      Buffer.from(body),
      metadata,
      (error, response) => {
        client.close();
        if (error) resolve({ ok: false, code: error.code, details: error.details });
        else resolve({ ok: true, body: response ?? Buffer.alloc(0) });
      },
    );
  });
}
