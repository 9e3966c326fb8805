/**
 * Sealed WAL segments -> NDJSON files of normalized rows for DuckDB (spans and messages apart, so
 * each table's read parses only its own rows): each record's body is
 * decoded again (the same decoder the receiver ran, so the same spans and log records), normalized
 * as one request, and encoded. Runs on the materializer thread; the ack path never does this.
 */
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import { decodeLogs, decodeTraces } from '@parley/shared/otlp/decode';
import type { OtlpLogRecord, OtlpSpan } from '@parley/shared/otlp';
import type { Pricer } from '@parley/shared/pricing/index';
import { readRecords } from './wal-frame.ts';
import type { WalRecord } from './wal-frame.ts';
import { encodeRows } from './wal-record.ts';

/** Records per segment stay below this, so (seq, index) orders requests as one number. */
const RECORDS_PER_SEGMENT = 2 ** 24;

/**
 * Arrival order of a request, for numbering one span's log messages that came in several
 * requests. WAL order is ack order, and sequence numbers only grow, so this holds across restarts
 * (carried messages keep theirs).
 */
export function requestOrder(seq: number, index: number): number {
  return seq * RECORDS_PER_SEGMENT + index;
}

export interface RowsFile {
  rows: number;
  /** The longest NDJSON line written (DuckDB's reader must be told). */
  maxLineBytes: number;
  /** Why some bytes or records could not be used, for the log. */
  problems: string[];
}

type Decoded = { ok: true; spans: OtlpSpan[]; logs: OtlpLogRecord[] } | { ok: false; error: string };

function decodeRecord(record: WalRecord): Decoded {
  if (record.encoding === 'decoded') {
    const items = JSON.parse(record.body.toString('utf8')) as unknown[];
    return record.signal === 'traces'
      ? { ok: true, spans: items as OtlpSpan[], logs: [] }
      : { ok: true, spans: [], logs: items as OtlpLogRecord[] };
  }
  if (record.signal === 'traces') {
    const decoded = decodeTraces(record.body, record.encoding);
    return decoded.ok ? { ok: true, spans: decoded.value, logs: [] } : decoded;
  }
  const decoded = decodeLogs(record.body, record.encoding);
  return decoded.ok ? { ok: true, spans: [], logs: decoded.value } : decoded;
}

function longestLine(data: Buffer): number {
  let longest = 0;
  let start = 0;
  for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, start)) {
    longest = Math.max(longest, at - start);
    start = at + 1;
  }
  return Math.max(longest, data.length - start);
}

export async function writeRowsFiles(
  segments: ReadonlyArray<{ seq: number; path: string }>,
  out: { spans: string; messages: string },
  pricer: Pricer | null,
): Promise<RowsFile> {
  const spansFile = await open(out.spans, 'w');
  const messagesFile = await open(out.messages, 'w').catch(async (err: unknown) => {
    await spansFile.close();
    throw err;
  });
  const result: RowsFile = { rows: 0, maxLineBytes: 0, problems: [] };
  const write = async (handle: FileHandle, data: Buffer): Promise<void> => {
    if (data.length === 0) return;
    result.maxLineBytes = Math.max(result.maxLineBytes, longestLine(data));
    await handle.write(data);
  };
  try {
    for (const segment of segments) {
      const read = readRecords(await readFile(segment.path));
      if (read.problem !== null) {
        result.problems.push(`segment ${segment.seq}: ${read.problem} record at byte ${read.validBytes}`);
      }
      for (const [index, record] of read.records.entries()) {
        const decoded = decodeRecord(record);
        if (!decoded.ok) {
          // It decoded when acknowledged; only a changed decoder could get here.
          result.problems.push(`segment ${segment.seq} record ${index}: ${decoded.error}`);
          continue;
        }
        const normalized = normalizeBatch({ spans: decoded.spans, logs: decoded.logs }, { pricer });
        const rq = requestOrder(segment.seq, index);
        result.rows += normalized.spans.length + normalized.messages.length;
        if (normalized.spans.length > 0) await write(spansFile, encodeRows(normalized.spans, [], rq));
        if (normalized.messages.length > 0)
          await write(messagesFile, encodeRows([], normalized.messages, rq));
      }
    }
  } finally {
    await spansFile.close();
    await messagesFile.close();
  }
  return result;
}

/** The longest line of an NDJSON file (carry files, written by DuckDB). */
export async function longestLineIn(path: string): Promise<number> {
  return longestLine(await readFile(path));
}
