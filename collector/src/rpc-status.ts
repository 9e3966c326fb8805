/**
 * google.rpc.Status, the body OTLP/HTTP requires for 4xx/5xx responses, in the request's encoding.
 */
import type { Encoding } from './export-request.ts';

/** gRPC status codes used by the receivers. */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function encodeStatus(code: number, message: string, encoding: Encoding): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const text = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08]), varint(code), Buffer.from([0x12]), varint(text.length), text]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
