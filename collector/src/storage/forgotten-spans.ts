/**
 * A log message whose span the recent-span memory no longer holds (forgotten after
 * RecentLimits.maxAgeMs or maxSpans, or written before a restart and not among the files read
 * back) waits for its span, then is written without a session: the viewer, which reads a
 * session's messages by session_id, would leave it out of the conversation. Its span is often in
 * Parquet already: the span files of the message's hour and the hour before (the process that
 * logs a call's messages starts its span first, on the same clock) give its trace's session, and
 * the message's files take it as a late session (late-sessions.ts) does. Read on the
 * materializer thread, only for such messages, before the group's commit, so the late session is
 * committed with the rows it completes and a crash replays both. The read scans those hours'
 * trace ids: ~200 ms per 6M spans on one thread (2026-11-27), so ~1.2 s for two hours at the
 * benchmark's durable rate, paid only by a flush that wrote such a message.
 */
import type { Manifest } from '@parley/shared/manifest';
import type { LateSession } from './call-completion.ts';
import type { Duck } from './duck.ts';
import { partitionSpanMs } from './retention.ts';

/** Span files searched per message hour: the hour before and the hour. */
const NEIGHBOUR_HOURS = [-1, 0];
const HOUR_MS = 3_600_000;

/**
 * For traces of messages written without a session and without a known span (trace id -> the
 * UTC hours of those messages), the late sessions their written spans give: per trace the
 * session of its earliest span that has one, for the messages' hours.
 */
export async function sessionsFromWrittenSpans(
  duck: Duck,
  root: string,
  manifest: Manifest,
  spanless: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<LateSession[]> {
  if (spanless.size === 0) return [];
  // Hour partitions by their start (ms), as retention reads a file's partition from its path.
  const hourStarts = new Set<number>();
  for (const messageHours of spanless.values())
    for (const hour of messageHours)
      for (const by of NEIGHBOUR_HOURS) hourStarts.add(Date.parse(`${hour}:00:00Z`) + by * HOUR_MS);
  const files = manifest.files
    .filter((f) => {
      const partition = f.table === 'spans' ? partitionSpanMs(f) : null;
      return (
        partition !== null &&
        partition.endMs - partition.startMs === HOUR_MS &&
        hourStarts.has(partition.startMs)
      );
    })
    .map((f) => `${root}/${f.path}`);
  if (files.length === 0) return [];
  const found = await duck.rows(
    `SELECT trace_id, arg_min(session_id, start_time) AS session_id
     FROM read_parquet($1, union_by_name = true)
     WHERE session_id IS NOT NULL AND trace_id IN (SELECT unnest($2::VARCHAR[]))
     GROUP BY trace_id ORDER BY trace_id`,
    [files, [...spanless.keys()]],
  );
  return found.map((row) => {
    const traceId = String(row.trace_id);
    const messageHours = [...(spanless.get(traceId) ?? [])].sort();
    return {
      trace_id: traceId,
      session_id: String(row.session_id),
      days: [...new Set(messageHours.map((h) => h.slice(0, 10)))],
      hours: messageHours,
    };
  });
}
