/** A tiny protobuf writer for hand-made test bodies (including malformed ones). */
export type Bytes = number[];

export function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export const tag = (field: number, wireType: number): Bytes => varint((field << 3) | wireType);
export const vint = (field: number, value: number | bigint): Bytes => [...tag(field, 0), ...varint(value)];
export const len = (field: number, payload: Bytes): Bytes => [
  ...tag(field, 2),
  ...varint(payload.length),
  ...payload,
];
export const str = (field: number, s: string): Bytes => len(field, [...new TextEncoder().encode(s)]);

export function fixed64(field: number, value: bigint): Bytes {
  const out = tag(field, 1);
  for (let i = 0n; i < 8n; i++) out.push(Number((value >> (8n * i)) & 0xffn));
  return out;
}

export const hex = (h: string): Bytes => h.match(/../g)!.map((b) => parseInt(b, 16));
export const bytes = (...parts: Bytes[]): Uint8Array => new Uint8Array(parts.flat());

export const TRACE = '0af7651916cd43dd8448eb211c80319c';
export const SPAN = 'b7ad6b7169203331';

export function span(...fields: Bytes[]): Bytes {
  return [...len(1, hex(TRACE)), ...len(2, hex(SPAN)), ...fields.flat()];
}

/** ExportTraceServiceRequest { resource_spans { scope_spans { spans... } } } */
export function request(spans: Bytes[], extra: Bytes = []): Uint8Array {
  const scopeSpans = len(
    2,
    spans.flatMap((s) => len(2, s)),
  );
  return bytes(len(1, [...scopeSpans, ...extra]));
}
