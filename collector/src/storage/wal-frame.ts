/**
 * The WAL record: one acknowledged export request, stored as the (decompressed) body bytes the
 * client sent, so the ack path does no work beyond decoding and an fsync. Layout, little endian:
 *
 *   u32 payload length | u32 CRC-32 of the payload | payload
 *   payload = u8 signal | u8 encoding | u16 flags | u32 items | [f64 received, ms] | body
 *
 * Flag bit 0 says the receipt time is there. Records written before it existed have flags 0
 * (the field was reserved, always 0) and are read as they are, without a receipt time.
 *
 * A record is trusted only when its length fits in the file and its checksum matches: a crash
 * mid-write leaves a torn record at a segment's tail, and reading stops there.
 */
import { crc32 } from 'node:zlib';

export type WalSignal = 'traces' | 'logs';
/** `decoded`: JSON of already decoded spans/logs, for callers that have no OTLP body. */
export type WalEncoding = 'protobuf' | 'json' | 'decoded';

export interface WalRecord {
  signal: WalSignal;
  encoding: WalEncoding;
  /** Spans or log records the request held when it was acknowledged. */
  items: number;
  /** When the request was received (ms since the epoch); null in records written before 2026-11-27. */
  receivedMs?: number | null;
  body: Buffer;
}

const PREFIX_BYTES = 8;
const META_BYTES = 8;
const RECEIVED_BYTES = 8;
const HAS_RECEIVED = 1;
const SIGNALS: readonly WalSignal[] = ['traces', 'logs'];
const ENCODINGS: readonly WalEncoding[] = ['protobuf', 'json', 'decoded'];

/** The record as chunks for a vectored write: the body is not copied. */
export function frameRecord(record: WalRecord): Buffer[] {
  const receivedMs = record.receivedMs ?? null;
  const received = receivedMs === null ? 0 : RECEIVED_BYTES;
  const head = Buffer.alloc(PREFIX_BYTES + META_BYTES + received);
  head.writeUInt8(SIGNALS.indexOf(record.signal), 8);
  head.writeUInt8(ENCODINGS.indexOf(record.encoding), 9);
  head.writeUInt16LE(received === 0 ? 0 : HAS_RECEIVED, 10);
  head.writeUInt32LE(record.items, 12);
  if (receivedMs !== null) head.writeDoubleLE(receivedMs, PREFIX_BYTES + META_BYTES);
  const meta = head.subarray(PREFIX_BYTES);
  head.writeUInt32LE(meta.length + record.body.length, 0);
  head.writeUInt32LE(crc32(record.body, crc32(meta)), 4);
  return [head, record.body];
}

/** A record's size on disk, with its receipt time. */
export function framedLength(bodyBytes: number): number {
  return PREFIX_BYTES + META_BYTES + RECEIVED_BYTES + bodyBytes;
}

export type ReadProblem =
  /** The last record is incomplete: a write cut short. */
  | 'torn'
  /** A complete record whose checksum or header does not match: the bytes from here on are unusable. */
  | 'corrupt';

export interface ReadRecords {
  records: WalRecord[];
  /** Bytes from the start that hold complete, verified records. */
  validBytes: number;
  problem: ReadProblem | null;
}

/** Every verified record from the start of `data`, stopping at the first bad one. */
export function readRecords(data: Buffer): ReadRecords {
  const records: WalRecord[] = [];
  let at = 0;
  while (at < data.length) {
    if (data.length - at < PREFIX_BYTES + META_BYTES) return { records, validBytes: at, problem: 'torn' };
    const length = data.readUInt32LE(at);
    if (length < META_BYTES) return { records, validBytes: at, problem: 'corrupt' };
    const end = at + PREFIX_BYTES + length;
    if (end > data.length) return { records, validBytes: at, problem: 'torn' };
    const payload = data.subarray(at + PREFIX_BYTES, end);
    const signal = SIGNALS[payload.readUInt8(0)];
    const encoding = ENCODINGS[payload.readUInt8(1)];
    const flags = payload.readUInt16LE(2);
    const metaBytes = META_BYTES + (flags & HAS_RECEIVED ? RECEIVED_BYTES : 0);
    if (
      crc32(payload) !== data.readUInt32LE(at + 4) ||
      signal === undefined ||
      encoding === undefined ||
      (flags & ~HAS_RECEIVED) !== 0 ||
      length < metaBytes
    ) {
      return { records, validBytes: at, problem: 'corrupt' };
    }
    records.push({
      signal,
      encoding,
      items: payload.readUInt32LE(4),
      receivedMs: flags & HAS_RECEIVED ? payload.readDoubleLE(META_BYTES) : null,
      body: payload.subarray(metaBytes),
    });
    at = end;
  }
  return { records, validBytes: at, problem: null };
}
