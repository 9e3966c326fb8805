/** ExportTraceServiceResponse / ExportLogsServiceResponse in the request's encoding. */
import type { Encoding } from './decode.ts';

export interface PartialSuccess {
  rejected: number;
  message: string;
}

const encoder = new TextEncoder();

function varint(out: number[], value: number): void {
  let v = value;
  while (v > 0x7f) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/**
 * Both responses are `partial_success = 1` holding `rejected_* = 1` (int64) and
 * `error_message = 2`; an empty message means full success.
 */
export function encodeExportResponse(
  signal: 'traces' | 'logs',
  partial: PartialSuccess | null,
  encoding: Encoding,
): Uint8Array {
  const rejected = partial ? Math.max(0, Math.floor(partial.rejected)) : 0;
  if (encoding === 'json') {
    if (!partial) return encoder.encode('{}');
    const key = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
    return encoder.encode(
      JSON.stringify({ partialSuccess: { [key]: String(rejected), errorMessage: partial.message } }),
    );
  }
  if (!partial) return new Uint8Array(0);
  const inner: number[] = [];
  if (rejected > 0) {
    inner.push(0x08);
    varint(inner, rejected);
  }
  const message = encoder.encode(partial.message);
  const head: number[] = [];
  if (message.length > 0) {
    inner.push(0x12);
    varint(inner, message.length);
  }
  head.push(0x0a);
  varint(head, inner.length + message.length);
  const out = new Uint8Array(head.length + inner.length + message.length);
  out.set(head, 0);
  out.set(inner, head.length);
  out.set(message, head.length + inner.length);
  return out;
}
