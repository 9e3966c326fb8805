/**
 * The rows of a flush group: each sealed WAL record's body is decoded again (the same decoder the
 * receiver ran, so the same spans and log records) and normalized as one request; carry segments
 * give back the rows an earlier flush held. Each row's text goes into the group's RowLines as it
 * is read, so only light objects stay. Runs on the materializer thread; the ack path
 * never does this.
 */
import { readFile, stat } from 'node:fs/promises';
import { normalizeBatch } from '@parley/shared/normalizer/index';
import { decodeLogs, decodeTraces } from '@parley/shared/otlp/decode';
import type { OtlpLogRecord, OtlpSpan } from '@parley/shared/otlp';
import type { Pricer } from '@parley/shared/pricing/index';
import { readRecords } from './wal-frame.ts';
import type { WalRecord } from './wal-frame.ts';
import type { GroupRows, QueuedMessage, QueuedSpan } from './call-completion.ts';
import type { RowLines } from './row-lines.ts';
import { traceSlices } from './trace-slices.ts';
import type { SetAside } from './set-aside.ts';
import { normalizeIsolated } from './normalize-isolated.ts';

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

export interface ReadRows extends GroupRows {
  /** Why some bytes or records could not be used, for the log. */
  problems: string[];
  /** Traces the normalizer threw on, not in the rows (see set-aside.ts). */
  setAside: SetAside[];
  /** Spans sent twice in one request, the second copy not in the rows (see normalizeBatch). */
  duplicates: number;
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

function byArrival(a: QueuedMessage, b: QueuedMessage): number {
  return a.rq - b.rq || a.seq - b.seq;
}

/**
 * Carried rows first (they arrived before anything in the WAL segments), then the WAL's, request
 * by request: the arrival order completion numbers log records in.
 */
export async function readGroupRows(
  segments: ReadonlyArray<{ seq: number; path: string; kind: 'wal' | 'carry' }>,
  pricer: Pricer | null,
  lines: RowLines,
): Promise<ReadRows> {
  const result: ReadRows = { spans: [], messages: [], problems: [], setAside: [], duplicates: 0 };
  for (const segment of segments) {
    if (segment.kind === 'carry') await readCarry(segment.path, result);
  }
  result.messages.sort(byArrival);
  lines.add('spans', result.spans);
  lines.add('messages', result.messages);
  for (const segment of segments) {
    if (segment.kind !== 'wal') continue;
    const read = readRecords(await readFile(segment.path));
    if (read.problem !== null) {
      result.problems.push(`segment ${segment.seq}: ${read.problem} record at byte ${read.validBytes}`);
    }
    // Records from before the WAL kept receipt times: the segment's last write is the nearest.
    let segmentWrittenMs: number | undefined;
    for (const [index, record] of read.records.entries()) {
      // DuckDB writes the previous group meanwhile; each of its statements ends in a callback on
      // this thread, which would otherwise wait for the whole group to be read.
      if (index > 0) await new Promise((resolve) => setImmediate(resolve));
      const decoded = decodeRecord(record);
      if (!decoded.ok) {
        // It decoded when acknowledged; only a changed decoder could get here.
        result.problems.push(`segment ${segment.seq} record ${index}: ${decoded.error}`);
        continue;
      }
      const rq = requestOrder(segment.seq, index);
      const receivedMs = record.receivedMs ?? (segmentWrittenMs ??= (await stat(segment.path)).mtimeMs);
      const receivedUs = Math.trunc(receivedMs) * 1000;
      // A record is spans or log records, never both (one request's signal).
      const slices =
        decoded.spans.length > 0
          ? traceSlices(decoded.spans).map((spans) => ({ spans, logs: [] }))
          : traceSlices(decoded.logs).map((logs) => ({ spans: [], logs }));
      for (const slice of slices) {
        const asideBefore = result.setAside.length;
        const normalized = normalizeIsolated(
          slice,
          (alone) => normalizeBatch(alone, { pricer, receivedUs }),
          rq,
          result.setAside,
        );
        let asideSpans = 0;
        for (const aside of result.setAside.slice(asideBefore))
          if (aside.signal === 'traces') asideSpans += aside.items.length;
        result.duplicates += slice.spans.length - asideSpans - normalized.spans.length;
        const messages = normalized.messages.map((m) => Object.assign(m, { rq }));
        lines.add('spans', normalized.spans);
        lines.add('messages', messages);
        for (const span of normalized.spans) result.spans.push(span);
        for (const message of messages) result.messages.push(message);
      }
    }
  }
  return result;
}

/** A carry segment's rows (row lines: see encodeLines), messages with their arrival and hold times. */
async function readCarry(path: string, into: GroupRows): Promise<void> {
  const text = (await readFile(path)).toString('utf8');
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const { k: tag, ...row } = JSON.parse(line) as { k: string } & Record<string, unknown>;
    if (tag === 's') into.spans.push(row as unknown as QueuedSpan);
    else into.messages.push(row as unknown as QueuedMessage);
  }
}
