/**
 * Bounded memory of recently materialized spans, held by the materializer in JS: the context that
 * cross-batch completion needs (trace sessions, parents, model calls), and what a log-derived
 * message arriving after its span (in a later flush) joins to. Only the light columns are kept.
 */
import type { SpanRow } from '@parley/shared/rows';
import type { Duck } from './duck.ts';
import { utcHour } from './time-format.ts';

export interface RecentLimits {
  /** Traces not touched for this long (wall clock, ms) are forgotten. */
  maxAgeMs: number;
  maxSpans: number;
  /**
   * A trace forgotten before its root came, with rows written without a session, is still known
   * by the UTC hours of those rows for this long, and at most this many such traces: an agent run can
   * outlast the memory (minutes at full load, when maxSpans forgets first), and its root, which
   * carries the session, comes last.
   */
  rootless: { maxAgeMs: number; maxTraces: number };
}

type LightSpan = Pick<
  SpanRow,
  | 'trace_id'
  | 'span_id'
  | 'parent_span_id'
  | 'session_id'
  | 'session_source'
  | 'model'
  | 'start_time'
  | 'is_llm_call'
>;

/** What names a span. */
export type SpanKey = Pick<SpanRow, 'trace_id' | 'span_id'>;

/** What is kept of a span: its trace and span ids are the keys it is stored under. */
type Kept = Omit<LightSpan, 'trace_id' | 'span_id'>;

interface Trace {
  spans: Map<string, Kept>;
  /** The last span kept, whose strings the next one reuses when equal. */
  last: Kept | undefined;
  touchedMs: number;
}

export interface RecentSpans {
  has(traceId: string, spanId: string): boolean;
  /** Remembered spans of these traces, as rows completion accepts (heavy columns empty). */
  context(traceIds: ReadonlySet<string>): SpanRow[];
  remember(spans: readonly LightSpan[], nowMs: number): void;
  /** Takes back spans remembered for a group that was then not written (it is read again). */
  unremember(spans: readonly SpanKey[]): void;
  /**
   * Of `traceIds`, the traces forgotten without their root whose rows were written without a
   * session, with the UTC hours (YYYY-MM-DDTHH) of those rows (see RecentLimits.rootless).
   */
  rootless(traceIds: ReadonlySet<string>): Map<string, readonly string[]>;
  /** Those rows are getting their session: the trace is no longer rootless. */
  settle(traceId: string): void;
  /**
   * A log message of a trace whose root is not known was written without a session in this UTC
   * hour (its span had not come in time: an LLM call that streams for minutes logs its input at
   * the start and ends its span at the end). The trace is rootless from now on, as a forgotten
   * one is, so the session its spans bring reaches the message.
   */
  messageWithoutSpan(traceId: string, hour: string, nowMs: number): void;
  /**
   * Forgets whole traces, least recently touched first: a trace's spans are context for each
   * other, so keeping some of a trace would complete its late rows against part of it.
   */
  forget(nowMs: number): void;
  readonly size: number;
}

/** The first of two equal strings: each decoded span has its own copy of its trace's session. */
function same(value: string | null, earlier: string | null | undefined): string | null {
  return earlier !== undefined && earlier === value ? earlier : value;
}

function kept(s: LightSpan, earlier: Kept | undefined): Kept {
  return {
    parent_span_id: s.parent_span_id,
    session_id: same(s.session_id, earlier?.session_id),
    session_source: same(s.session_source, earlier?.session_source),
    model: same(s.model, earlier?.model),
    start_time: s.start_time,
    is_llm_call: s.is_llm_call,
  };
}

function asRow(traceId: string, spanId: string, s: Kept): SpanRow {
  return {
    ...s,
    trace_id: traceId,
    span_id: spanId,
    name: '',
    kind: 'UNSPECIFIED',
    service_name: null,
    scope_name: null,
    end_time: s.start_time,
    duration_ms: 0,
    status_code: 'UNSET',
    status_message: null,
    error_type: null,
    user_id: null,
    operation: null,
    provider: null,
    request_model: null,
    response_model: null,
    input_tokens: null,
    output_tokens: null,
    cached_input_tokens: null,
    cache_creation_input_tokens: null,
    reasoning_tokens: null,
    input_cost_usd: null,
    output_cost_usd: null,
    total_cost_usd: null,
    cost_source: null,
    price_version: null,
    convention: null,
    finish_reasons: null,
    problems: null,
    attributes: '',
    resource_attributes: '',
    events: '',
  };
}

export function createRecentSpans(limits: RecentLimits): RecentSpans {
  // Map order is touch order: a touched trace is deleted and set again.
  const traces = new Map<string, Trace>();
  let size = 0;
  /** Map order is the order they were forgotten in: the oldest go first. */
  const rootless = new Map<string, { hours: Set<string>; forgottenMs: number }>();

  const drop = (traceId: string, trace: Trace, nowMs: number): void => {
    traces.delete(traceId);
    size -= trace.spans.size;
    // With its root written, a later span cannot bring the trace a session its root lacked.
    for (const s of trace.spans.values()) if (s.parent_span_id === null) return;
    const hours = new Set<string>();
    for (const s of trace.spans.values()) if (s.session_id === null) hours.add(utcHour(s.start_time));
    if (hours.size === 0) return;
    const earlier = rootless.get(traceId);
    rootless.delete(traceId);
    for (const hour of earlier?.hours ?? []) hours.add(hour);
    rootless.set(traceId, { hours, forgottenMs: nowMs });
  };

  return {
    has: (traceId, spanId) => traces.get(traceId)?.spans.has(spanId) === true,
    context(traceIds) {
      const rows: SpanRow[] = [];
      for (const id of traceIds) {
        const trace = traces.get(id);
        if (trace !== undefined) for (const [spanId, s] of trace.spans) rows.push(asRow(id, spanId, s));
      }
      return rows;
    },
    remember(spans, nowMs) {
      for (const s of spans) {
        let trace = traces.get(s.trace_id);
        if (trace === undefined || trace.touchedMs !== nowMs) {
          if (trace !== undefined) traces.delete(s.trace_id);
          trace ??= { spans: new Map(), last: undefined, touchedMs: nowMs };
          trace.touchedMs = nowMs;
          traces.set(s.trace_id, trace);
        }
        const before = trace.spans.size;
        trace.last = kept(s, trace.last);
        trace.spans.set(s.span_id, trace.last);
        size += trace.spans.size - before;
      }
    },
    unremember(spans) {
      for (const s of spans) {
        const trace = traces.get(s.trace_id);
        if (trace === undefined || !trace.spans.delete(s.span_id)) continue;
        size--;
        if (trace.spans.size === 0) traces.delete(s.trace_id);
      }
    },
    forget(nowMs) {
      const cutoff = nowMs - limits.maxAgeMs;
      for (const [id, trace] of traces) {
        if (trace.touchedMs >= cutoff && size <= limits.maxSpans) break;
        drop(id, trace, nowMs);
      }
      const rootlessCutoff = nowMs - limits.rootless.maxAgeMs;
      for (const [id, trace] of rootless) {
        if (trace.forgottenMs >= rootlessCutoff && rootless.size <= limits.rootless.maxTraces) break;
        rootless.delete(id);
      }
    },
    rootless(traceIds) {
      const out = new Map<string, readonly string[]>();
      for (const id of traceIds) {
        const trace = rootless.get(id);
        if (trace !== undefined) out.set(id, [...trace.hours].sort());
      }
      return out;
    },
    settle(traceId) {
      rootless.delete(traceId);
    },
    messageWithoutSpan(traceId, hour, nowMs) {
      const known = traces.get(traceId)?.spans.values() ?? [];
      for (const s of known) if (s.parent_span_id === null) return;
      const hours = rootless.get(traceId)?.hours ?? new Set<string>();
      hours.add(hour);
      rootless.delete(traceId);
      rootless.set(traceId, { hours, forgottenMs: nowMs });
    },
    get size() {
      return size;
    },
  };
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Seed the memory from spans already in Parquet (after a restart), so late messages still join. */
export async function seedFromParquet(
  duck: Duck,
  recent: RecentSpans,
  files: readonly string[],
  nowMs: number,
): Promise<void> {
  if (files.length === 0) return;
  const c = await duck.columns(
    `SELECT trace_id, span_id, parent_span_id, session_id, session_source, model,
            epoch_us(start_time) AS start_us, is_llm_call
     FROM read_parquet($1, union_by_name = true) ORDER BY start_time`,
    [files],
  );
  const col = (name: string): unknown[] => c[name] ?? [];
  const [traceId, spanId, parent, session, source, model, start, llm] = [
    'trace_id',
    'span_id',
    'parent_span_id',
    'session_id',
    'session_source',
    'model',
    'start_us',
    'is_llm_call',
  ].map(col) as unknown[][];
  const spans: LightSpan[] = (traceId ?? []).map((t, i) => ({
    trace_id: String(t),
    span_id: String(spanId?.[i]),
    parent_span_id: str(parent?.[i]),
    session_id: str(session?.[i]),
    session_source: str(source?.[i]),
    model: str(model?.[i]),
    start_time: Number(start?.[i]),
    is_llm_call: llm?.[i] === true,
  }));
  recent.remember(spans, nowMs);
  recent.forget(nowMs);
}

/**
 * Marks again, after a restart, the traces of log messages written without a session before
 * their span came (see messageWithoutSpan), which only the memory held: from the message files
 * written last, those rows whose span the memory (seeded first) does not know, at most
 * `maxTraces` traces. Without it, a span that comes after the restart leaves them out of its
 * session.
 */
export async function seedSpanlessMessages(
  duck: Duck,
  recent: RecentSpans,
  files: readonly string[],
  nowMs: number,
  maxTraces: number,
): Promise<number> {
  if (files.length === 0) return 0;
  const c = await duck.columns(
    `SELECT trace_id, span_id, strftime(min(start_time), '%Y-%m-%dT%H') AS hour
     FROM read_parquet($1, union_by_name = true)
     WHERE session_id IS NULL AND source = 'log'
     GROUP BY trace_id, span_id, date_trunc('hour', start_time) ORDER BY min(start_time)`,
    [files],
  );
  const [traceId = [], spanId = [], hour = []] = ['trace_id', 'span_id', 'hour'].map((n) => c[n] ?? []);
  const marked = new Set<string>();
  for (let i = 0; i < traceId.length; i++) {
    const trace = String(traceId[i]);
    if (recent.has(trace, String(spanId[i]))) continue;
    if (!marked.has(trace) && marked.size >= maxTraces) continue;
    marked.add(trace);
    recent.messageWithoutSpan(trace, String(hour[i]), nowMs);
  }
  return marked.size;
}
