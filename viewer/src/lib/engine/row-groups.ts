/** Row-group pruning from Parquet statistics: which row ranges of a file can hold a session. */
import type { FileMetaData } from 'hyparquet';
import type { UsRange } from './time-range.ts';

export interface RowRange {
  start: number;
  end: number;
}

export interface GroupFilter {
  /** Keep groups whose session_id statistics can contain this id; null = groups holding NULL session ids. */
  sessionId?: string | null;
  /** Keep groups whose time statistics overlap this range. */
  time?: UsRange;
  timeColumn?: string;
}

interface ColumnStats {
  min?: unknown;
  max?: unknown;
  nullCount?: number;
}

function statsOf(group: FileMetaData['row_groups'][number], column: string): ColumnStats | null {
  const chunk = group.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column);
  const s = chunk?.meta_data?.statistics;
  if (!s) return null;
  return {
    min: s.min_value ?? s.min,
    max: s.max_value ?? s.max,
    nullCount: s.null_count === undefined ? undefined : Number(s.null_count),
  };
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime() * 1000;
  return null;
}

function groupMayMatch(group: FileMetaData['row_groups'][number], filter: GroupFilter): boolean {
  if (filter.sessionId !== undefined) {
    const s = statsOf(group, 'session_id');
    if (s) {
      if (filter.sessionId === null) {
        if (s.nullCount !== undefined && s.nullCount === 0) return false;
      } else if (typeof s.min === 'string' && typeof s.max === 'string') {
        if (filter.sessionId < s.min || filter.sessionId > s.max) return false;
      } else if (s.min === undefined && s.nullCount !== undefined && s.nullCount === Number(group.num_rows)) {
        return false;
      }
    }
  }
  if (filter.time && filter.timeColumn) {
    const s = statsOf(group, filter.timeColumn);
    const min = asNumber(s?.min);
    const max = asNumber(s?.max);
    if (min !== null && max !== null && (max < filter.time.fromUs || min > filter.time.toUs)) return false;
  }
  return true;
}

/** Indexes of the row groups that may match. */
export function candidateGroups(metadata: Pick<FileMetaData, 'row_groups'>, filter: GroupFilter): number[] {
  return metadata.row_groups.flatMap((group, i) => (groupMayMatch(group, filter) ? [i] : []));
}

/** Row ranges (absolute, merged when adjacent) of the groups that may match. */
export function candidateRanges(metadata: Pick<FileMetaData, 'row_groups'>, filter: GroupFilter): RowRange[] {
  const starts: number[] = [];
  let start = 0;
  for (const group of metadata.row_groups) {
    starts.push(start);
    start += Number(group.num_rows);
  }
  const out: RowRange[] = [];
  for (const i of candidateGroups(metadata, filter)) {
    const from = starts[i] ?? 0;
    const to = from + Number(metadata.row_groups[i]?.num_rows ?? 0);
    const last = out[out.length - 1];
    if (last && last.end === from) last.end = to;
    else out.push({ start: from, end: to });
  }
  return out;
}
