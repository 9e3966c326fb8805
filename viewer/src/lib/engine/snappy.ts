/**
 * Snappy block decompression, the codec of the collector's session summaries, with native copies:
 * a literal or a back-reference longer than a few bytes is one Uint8Array.set or copyWithin.
 * hyparquet's own decoder copies byte by byte, which for the summaries' incompressible
 * session_key column (long literals) was a third of the worker's decode time at the cold start.
 * Format: https://github.com/google/snappy/blob/main/format_description.txt
 */

/** Below this many bytes a loop is cheaper than a call into a native copy. */
const NATIVE_COPY = 16;

/** The `outputLength` bytes that `input` (one Snappy block) holds; throws if it is malformed. */
export function snappyDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const end = input.length;
  let pos = 0;
  let declared = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= end || shift > 28) throw new Error('snappy: bad length preamble');
    const c = input[pos++] as number;
    declared += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) break;
  }
  if (declared !== outputLength)
    throw new Error(`snappy: block holds ${declared} bytes, the page says ${outputLength}`);
  const out = new Uint8Array(outputLength);
  let o = 0;
  while (pos < end) {
    const tag = input[pos++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const bytes = len - 59;
        if (pos + bytes > end) throw new Error('snappy: truncated literal length');
        len = 0;
        for (let k = 0; k < bytes; k++) len += (input[pos + k] as number) * 2 ** (8 * k);
        pos += bytes;
      }
      len += 1;
      if (pos + len > end || o + len > outputLength) throw new Error('snappy: literal past the end');
      if (len > NATIVE_COPY) out.set(input.subarray(pos, pos + len), o);
      else for (let k = 0; k < len; k++) out[o + k] = input[pos + k] as number;
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= end) throw new Error('snappy: truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (input[pos++] as number);
    } else if (kind === 2) {
      if (pos + 2 > end) throw new Error('snappy: truncated copy');
      len = (tag >>> 2) + 1;
      offset = (input[pos] as number) | ((input[pos + 1] as number) << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw new Error('snappy: truncated copy');
      len = (tag >>> 2) + 1;
      offset =
        ((input[pos] as number) |
          ((input[pos + 1] as number) << 8) |
          ((input[pos + 2] as number) << 16) |
          ((input[pos + 3] as number) << 24)) >>>
        0;
      pos += 4;
    }
    if (offset === 0 || offset > o) throw new Error('snappy: copy from before the start');
    if (o + len > outputLength) throw new Error('snappy: copy past the end');
    // An overlapping copy repeats its own output: byte by byte, as the format defines it.
    if (len > NATIVE_COPY && offset >= len) out.copyWithin(o, o - offset, o - offset + len);
    else for (let k = 0; k < len; k++) out[o + k] = out[o - offset + k] as number;
    o += len;
  }
  if (o !== outputLength) throw new Error('snappy: block ends early');
  return out;
}
