/**
 * Cross-batch completion of one flush group, in JS on the rows the materializer already holds,
 * by the normalizer's own rules (`completeAcrossBatches`): session inheritance within a trace, one
 * counted span per model call, each call's messages merged from span and log sources and
 * numbered. Recently materialized spans of the same traces are the context. Then what cannot be
 * completed yet waits in a carry segment for a later flush, at most `carryMaxAgeMs`:
 * - a log-derived message whose span is unknown;
 * - a span without a session whose trace's root has not arrived (exporters send a trace's
 *   children before their parent, which ends last, and the session may be set on the root only),
 *   with its messages. Not when the trace already has written spans (nothing left to keep
 *   together), nor when the span's ancestry ends at a SERVER or CONSUMER span: that is where this
 *   service's part of a distributed trace begins, and its parent lives elsewhere.
 */
import { completeAcrossBatches } from '@parley/shared/normalizer/index';
import type { MessageRow, SpanRow } from '@parley/shared/rows';
import type { RecentSpans } from './recent-spans.ts';
import { utcHour } from './time-format.ts';

/** `carried_since`: when the row was first held back (absent until then). */
export type QueuedSpan = SpanRow & { carried_since?: number | null };

/**
 * A message as the WAL and carry files hold it: `rq` orders requests by arrival (see
 * requestOrder), `carried_since` is when it was first held back.
 */
export type QueuedMessage = MessageRow & { rq: number; carried_since?: number | null };

type Held<T> = T & { carried_since: number };

export interface GroupRows {
  /** Carried spans first, then the WAL's. */
  spans: QueuedSpan[];
  /** In arrival order: carried messages first, then the WAL's, request by request. */
  messages: QueuedMessage[];
}

export interface CompletedGroup {
  /** Spans of the group that were copies of others in it, or of spans already written. */
  duplicates: number;
  spans: QueuedSpan[];
  messages: QueuedMessage[];
  /** Held back for a later flush, each with its `carried_since`. */
  carried: { spans: Array<Held<QueuedSpan>>; messages: Array<Held<QueuedMessage>> };
  /**
   * Spans written without a session while their trace's root was still missing: they waited as
   * long as allowed (or the flush was final). If the root brings a session later, the sessions
   * list shows these under their trace instead.
   */
  rootless: number;
  /**
   * Traces whose spans, or log messages, were written without a session (their root, or their
   * span, came after the wait) and now have one, inherited from a span of this group: the files
   * holding those rows are rewritten (late-sessions.ts), so the run is one session in the
   * sessions list and its conversation has its messages.
   */
  lateSessions: LateSession[];
  /**
   * Log messages written without a session whose span the memory does not know, by trace: the
   * UTC hours they are written in. Their span may be in Parquet already (forgotten-spans.ts).
   */
  spanless: Map<string, Set<string>>;
}

/**
 * A trace whose written rows without a session take `session_id`; `days` (UTC) of its spans, and
 * their `hours` (YYYY-MM-DDTHH), which narrow the files read for the rewrite to the spans' hour
 * partitions (absent in states written before hours were kept: the days' files are read then).
 */
export interface LateSession {
  trace_id: string;
  session_id: string;
  days: string[];
  hours?: string[];
}

/** The LateSession fields of a set of UTC hours. */
function placed(hours: Iterable<string>): Pick<LateSession, 'days' | 'hours'> {
  const sorted = [...new Set(hours)].sort();
  return { days: [...new Set(sorted.map((h) => h.slice(0, 10)))], hours: sorted };
}

/**
 * Written spans without a session that completion gave one. Per trace, the session of its
 * earliest such span: a trace with two sessions in different subtrees, whose roots both came
 * late, would otherwise need a session per span in the rewrite.
 */
function lateSessionsOf(context: readonly SpanRow[], completed: readonly SpanRow[]): LateSession[] {
  const byTrace = new Map<string, { session: string; start: number; hours: Set<string> }>();
  for (const [i, before] of context.entries()) {
    const after = completed[i];
    if (before.session_id !== null || after?.session_id == null) continue;
    const late = byTrace.get(before.trace_id);
    if (late === undefined || before.start_time < late.start)
      byTrace.set(before.trace_id, {
        session: after.session_id,
        start: before.start_time,
        hours: late?.hours ?? new Set(),
      });
  }
  for (const s of context) byTrace.get(s.trace_id)?.hours.add(utcHour(s.start_time));
  return [...byTrace].map(([trace_id, late]) => ({
    trace_id,
    session_id: late.session,
    ...placed(late.hours),
  }));
}

/**
 * The late sessions of traces the memory had forgotten before their root came (see
 * RecentLimits.rootless), added to `late`: their written rows take the session of the group's
 * earliest span of the trace that has one. They stay rootless in the memory until the group is
 * committed (the materializer settles them), so a group that is read again finds them again.
 */
function withForgottenTraces(
  late: readonly LateSession[],
  recent: RecentSpans,
  spans: readonly SpanRow[],
): LateSession[] {
  const forgotten = recent.rootless(new Set(spans.map((s) => s.trace_id)));
  if (forgotten.size === 0) return [...late];
  const first = new Map<string, { session: string; start: number }>();
  for (const s of spans) {
    if (s.session_id === null || !forgotten.has(s.trace_id)) continue;
    const earlier = first.get(s.trace_id);
    if (earlier === undefined || s.start_time < earlier.start)
      first.set(s.trace_id, { session: s.session_id, start: s.start_time });
  }
  const byTrace = new Map(late.map((l) => [l.trace_id, l]));
  for (const [traceId, { session }] of first) {
    const hours = forgotten.get(traceId) ?? [];
    const known = byTrace.get(traceId);
    byTrace.set(
      traceId,
      known === undefined
        ? { trace_id: traceId, session_id: session, ...placed(hours) }
        : { ...known, ...placed([...(known.hours ?? []), ...hours]) },
    );
  }
  return [...byTrace.values()];
}

export interface CompletionOptions {
  nowMs: number;
  /** A row that cannot be completed yet waits at most this long (0: nothing waits). */
  carryMaxAgeMs: number;
}

/**
 * A client retrying a request whose ack was lost sends the same rows again: keep the first. A
 * retry that comes after the first copy was written (a later group) is dropped against the
 * recent spans instead, with the messages the span itself carried; log-derived messages still
 * join it, as they would any written span.
 */
function distinct<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const k = key(row);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const idKey = (traceId: string, spanId: string): string => `${traceId}\u0000${spanId}`;
const spanKey = (s: SpanRow): string => idKey(s.trace_id, s.span_id);
const messageKey = (m: MessageRow): string =>
  `${idKey(m.trace_id, m.span_id)}\u0000${m.source}\u0000${m.direction}\u0000${m.seq}\u0000${m.content_hash}`;

const ENTRY_KINDS: ReadonlySet<SpanRow['kind']> = new Set(['SERVER', 'CONSUMER']);

/** Whether a span without a session should wait for an ancestor that has not arrived yet. */
function waitsForRoot(span: SpanRow, byKey: ReadonlyMap<string, SpanRow>): boolean {
  const seen = new Set<SpanRow>();
  for (let cur = span; ;) {
    if (cur.parent_span_id === null || ENTRY_KINDS.has(cur.kind)) return false;
    const parent = byKey.get(idKey(cur.trace_id, cur.parent_span_id));
    if (parent === undefined) return true;
    if (seen.has(parent)) return false;
    seen.add(parent);
    cur = parent;
  }
}

/**
 * Completes the group against `recent` and remembers its written spans there, so the next group
 * (which may be prepared before this one is written) sees them.
 */
export function completeGroup(
  rows: GroupRows,
  recent: RecentSpans,
  options: CompletionOptions,
): CompletedGroup {
  const spans = distinct(rows.spans, spanKey).filter((s) => !recent.has(s.trace_id, s.span_id));
  const messages = distinct(rows.messages, messageKey).filter(
    (m) => m.source === 'log' || !recent.has(m.trace_id, m.span_id),
  );
  const batchKeys = new Set(spans.map(spanKey));
  const traceIds = new Set<string>();
  for (const s of spans) traceIds.add(s.trace_id);
  for (const m of messages) traceIds.add(m.trace_id);
  const context = recent.context(traceIds).filter((s) => !batchKeys.has(spanKey(s)));

  const completed = completeAcrossBatches([...context, ...spans], messages, { newFrom: context.length });
  const batchSpans = completed.spans.slice(context.length) as QueuedSpan[];
  const cutoff = options.nowMs - options.carryMaxAgeMs;
  const sinceOf = (row: { carried_since?: number | null }): number => row.carried_since ?? options.nowMs;

  const writtenTraces = new Set(context.map((s) => s.trace_id));
  const byKey = new Map(batchSpans.map((s) => [spanKey(s), s]));
  const out: CompletedGroup = {
    duplicates: rows.spans.length - spans.length,
    spans: [],
    messages: [],
    carried: { spans: [], messages: [] },
    rootless: 0,
    lateSessions: withForgottenTraces(lateSessionsOf(context, completed.spans), recent, batchSpans),
    spanless: new Map(),
  };
  const heldSpans = new Set<string>();
  for (const s of batchSpans) {
    const waits = s.session_id === null && !writtenTraces.has(s.trace_id) && waitsForRoot(s, byKey);
    if (waits && sinceOf(s) > cutoff) {
      heldSpans.add(spanKey(s));
      out.carried.spans.push({ ...s, carried_since: sinceOf(s) });
    } else {
      if (waits) out.rootless++;
      out.spans.push(s);
    }
  }
  recent.remember(out.spans, options.nowMs);
  // The memory is told too, so the trace's next spans and messages are completed against it.
  if (out.lateSessions.length > 0) {
    const late = new Set(out.lateSessions.map((l) => l.trace_id));
    recent.remember(
      completed.spans.slice(0, context.length).filter((s) => late.has(s.trace_id)),
      options.nowMs,
    );
  }

  for (const m of completed.messages as QueuedMessage[]) {
    const waiting =
      sinceOf(m) > cutoff &&
      (heldSpans.has(idKey(m.trace_id, m.span_id)) ||
        (m.source === 'log' && !recent.has(m.trace_id, m.span_id)));
    if (waiting) out.carried.messages.push({ ...m, carried_since: sinceOf(m) });
    else {
      out.messages.push(m);
      if (m.session_id === null && m.source === 'log' && !recent.has(m.trace_id, m.span_id)) {
        const hour = utcHour(m.start_time);
        recent.messageWithoutSpan(m.trace_id, hour, options.nowMs);
        const hours = out.spanless.get(m.trace_id) ?? new Set<string>();
        hours.add(hour);
        out.spanless.set(m.trace_id, hours);
      }
    }
  }
  recent.forget(options.nowMs);
  return out;
}
