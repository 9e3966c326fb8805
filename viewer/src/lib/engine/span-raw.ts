/**
 * What the instrumentation sent for one call: its span's raw attributes, resource attributes and
 * events, read when the user opens the call's details. These are the heavy columns the session
 * read leaves out (a long session opens as fast as before); here one span's are read, from the
 * span files and row groups whose start_time statistics can hold its start.
 */
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { filesInRange, type CatalogFile } from './manifest.ts';
import { readColumns } from './parquet-read.ts';
import { candidateRanges, type RowRange } from './row-groups.ts';
import type { UsRange } from './time-range.ts';

/** One stored span by its ids and its start (µs), which locates its file and row groups. */
export interface SpanRef {
  traceId: string;
  spanId: string;
  startUs: number;
}

/** The raw columns as stored: JSON text (see docs/schema.md, "Problems and raw columns"). */
export interface SpanRaw {
  attributes: string;
  resourceAttributes: string;
  events: string;
}

export interface SpanFile {
  file: AsyncBuffer;
  metadata: Promise<FileMetaData>;
}

const ID_COLUMNS = ['trace_id', 'span_id', 'start_time'];
const RAW_COLUMNS = ['attributes', 'resource_attributes', 'events'];

/** Row numbers (within the file) of the span among the candidate ranges. */
async function rowsOf(
  f: SpanFile,
  metadata: FileMetaData,
  ranges: RowRange[],
  ref: SpanRef,
): Promise<number[]> {
  const ids = await readColumns(f.file, metadata, ID_COLUMNS, ranges);
  const at: number[] = [];
  let i = 0;
  for (const range of ranges)
    for (let row = range.start; row < range.end; row++, i++)
      if (
        ids.columns.trace_id?.[i] === ref.traceId &&
        ids.columns.span_id?.[i] === ref.spanId &&
        ids.columns.start_time?.[i] === ref.startUs
      )
        at.push(row);
  return at;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The span's raw columns; null when no span file holds it (a call known only from its messages,
 * or a span the source no longer holds). The ids are read first and the heavy columns for its row
 * only, so a call's details cost one row's values, not its row groups'.
 */
export async function readSpanRaw(
  files: readonly CatalogFile[],
  open: (f: CatalogFile) => SpanFile,
  ref: SpanRef,
): Promise<SpanRaw | null> {
  const at: UsRange = { fromUs: ref.startUs, toUs: ref.startUs };
  for (const f of filesInRange(files, 'spans', at)) {
    const opened = open(f);
    const metadata = await opened.metadata;
    const ranges = candidateRanges(metadata, { time: at, timeColumn: 'start_time' });
    if (ranges.length === 0) continue;
    const [row] = await rowsOf(opened, metadata, ranges, ref);
    if (row === undefined) continue;
    const raw = await readColumns(opened.file, metadata, RAW_COLUMNS, [{ start: row, end: row + 1 }]);
    return {
      attributes: text(raw.columns.attributes?.[0]),
      resourceAttributes: text(raw.columns.resource_attributes?.[0]),
      events: text(raw.columns.events?.[0]),
    };
  }
  return null;
}
