/**
 * Fresh trace and span ids for every send of a pre-encoded body. The collector writes a span it
 * has already written once (an exporter's retry), so replaying the same 48 bodies would measure
 * dropped duplicates, not ingest. The ids' last four bytes are XORed with a number per round
 * through the bodies: parents and children keep matching (within a body and across the bodies of
 * a round), and the bytes are patched in a copy, not re-encoded.
 */

/** Offsets of the last 4 bytes of every span's trace_id, span_id and parent_span_id. */
export function idOffsets(body: Uint8Array): number[] {
  const out: number[] = [];
  const varint = (at: number): [number, number] => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = body[at++] as number;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return [value, at];
      shift += 7;
    }
  };
  /** Calls `field` for each LEN field of the message in [start, end); skips the others. */
  const walk = (start: number, end: number, field: (num: number, from: number, to: number) => void): void => {
    let at = start;
    while (at < end) {
      const [tag, afterTag] = varint(at);
      const wire = tag % 8;
      at = afterTag;
      if (wire === 0) at = varint(at)[1];
      else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else if (wire === 2) {
        const [length, from] = varint(at);
        field(Math.floor(tag / 8), from, from + length);
        at = from + length;
      } else throw new Error(`unique-ids: wire type ${wire} in a trace request`);
    }
  };
  // ExportTraceServiceRequest.resource_spans(1) > ResourceSpans.scope_spans(2) > ScopeSpans.spans(2)
  walk(0, body.length, (n, from, to) => {
    if (n !== 1) return;
    walk(from, to, (n2, from2, to2) => {
      if (n2 !== 2) return;
      walk(from2, to2, (n3, from3, to3) => {
        if (n3 !== 2) return;
        walk(from3, to3, (id, idFrom, idTo) => {
          const size = id === 1 ? 16 : id === 2 || id === 4 ? 8 : 0;
          if (size > 0 && idTo - idFrom === size) out.push(idTo - 4);
        });
      });
    });
  });
  return out;
}

/** A copy of `body` with its ids XORed with `key` (< 2^32; 0 leaves them as they are). */
export function withIds(body: Buffer, offsets: readonly number[], key: number): Buffer {
  const copy = Buffer.from(body);
  for (const at of offsets) copy.writeUInt32BE((copy.readUInt32BE(at) ^ key) >>> 0, at);
  return copy;
}
