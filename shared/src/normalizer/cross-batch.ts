import type { Problem } from '../otlp.ts';
import type { MessageRow, SpanRow } from '../rows.ts';

const NESTED = 'nested_model_call';

function key(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

function addProblem(row: SpanRow, problem: Problem): SpanRow {
  const list = row.problems === null ? [] : (JSON.parse(row.problems) as Problem[]);
  if (list.some((p) => p.code === problem.code)) return row;
  return { ...row, problems: JSON.stringify([...list, problem]) };
}

/**
 * Row index of a span by trace and span id (a repeated pair resolves to its last row). Looked up
 * by span id with the trace compared after, instead of building a key string per lookup; ids with
 * a "/" (invalid, but kept) fall back to the joined key, which is what defines equal ids.
 */
function spanIndex(spans: readonly SpanRow[]): (traceId: string, spanId: string) => number | undefined {
  if (spans.some((s) => s.trace_id.includes('/') || s.span_id.includes('/'))) {
    const byKey = new Map<string, number>();
    spans.forEach((s, i) => byKey.set(key(s.trace_id, s.span_id), i));
    return (traceId, spanId) => byKey.get(key(traceId, spanId));
  }
  // span ids are random 64-bit values: a list only for the rare id seen more than once
  const bySpan = new Map<string, number | number[]>();
  spans.forEach((s, i) => {
    const at = bySpan.get(s.span_id);
    if (at === undefined) bySpan.set(s.span_id, i);
    else if (typeof at === 'number') bySpan.set(s.span_id, [at, i]);
    else at.push(i);
  });
  return (traceId, spanId) => {
    const at = bySpan.get(spanId);
    if (typeof at === 'number') return (spans[at] as SpanRow).trace_id === traceId ? at : undefined;
    if (at === undefined) return undefined;
    for (let k = at.length - 1; k >= 0; k--) {
      const i = at[k] as number;
      if ((spans[i] as SpanRow).trace_id === traceId) return i;
    }
    return undefined;
  };
}

/**
 * Completes what one batch cannot know on its own, given every span and message row known so far
 * (one batch, several batches, or a whole partition). Pure and idempotent, so the storage layer can
 * run it on any superset again:
 * - of two nested spans that both look like one model call, only the innermost keeps is_llm_call;
 * - spans without a session inherit one from their trace (nearest ancestor with its own session,
 *   else the trace root's, else the trace's when it has only one), with session_source 'trace'.
 *   A span outside the subtrees of a trace that carries several sessions below a root without
 *   one (a batch request serving two conversations) belongs to none of them;
 * - messages take session_id, model and start_time from their span once it is known; messages
 *   of spans that are not model calls are dropped, and log-record copies of what a span carries
 *   itself are dropped (see orderCallMessages);
 * - but a model call that records no content (an instrumentation with content capture off,
 *   inside a wrapper that records it: a Langfuse generation around an OpenAI span) takes the
 *   messages of the nearest span around it that was demoted for it, when that span wraps only it.
 *   Only a call among the new spans (index `newFrom` on; earlier ones are context already
 *   written) is given them: a written call may have had messages that are not in `messages`;
 * - the messages of a call are renumbered: inputs, then outputs, log records in arrival order. So
 *   pass `messages` in arrival order (batch after batch, or as a previous completion returned them).
 * Messages come back grouped by call, in seq order.
 */
/**
 * The donor (index into `spans`, `donors` sorted by start) whose session covers the whole trace:
 * its root's, else the one session all donors share; -1 when the donors disagree.
 */
function traceWide(donors: readonly number[], spans: readonly SpanRow[]): number {
  const root = donors.find((d) => (spans[d] as SpanRow).parent_span_id === null);
  if (root !== undefined) return root;
  const first = donors[0] as number;
  const session = (spans[first] as SpanRow).session_id;
  return donors.every((d) => (spans[d] as SpanRow).session_id === session) ? first : -1;
}

export function completeAcrossBatches(
  spans: readonly SpanRow[],
  messages: readonly MessageRow[],
  { newFrom = 0 }: { newFrom?: number } = {},
): { spans: SpanRow[]; messages: MessageRow[] } {
  const indexOf = spanIndex(spans);
  const out = spans.slice();

  /** Ancestors of span i, nearest first, up to the first one missing or already visited. */
  const ancestors = (i: number): number[] => {
    const list: number[] = [];
    // chains are short: a set only for a long (or cyclic) one
    let seen: Set<number> | null = null;
    let cur = out[i] as SpanRow;
    while (cur.parent_span_id !== null) {
      const p = indexOf(cur.trace_id, cur.parent_span_id);
      if (p === undefined || p === i || (seen === null ? list.includes(p) : seen.has(p))) break;
      list.push(p);
      if (seen !== null) seen.add(p);
      else if (list.length > 16) seen = new Set(list);
      cur = out[p] as SpanRow;
    }
    return list;
  };

  // innermost model call wins
  const demoted = new Set<number>();
  for (let i = 0; i < out.length; i++) {
    if (!(out[i] as SpanRow).is_llm_call) continue;
    for (const a of ancestors(i)) {
      const anc = out[a] as SpanRow;
      if (!anc.is_llm_call) continue;
      demoted.add(a);
      out[a] = addProblem(
        { ...anc, is_llm_call: false },
        {
          code: NESTED,
          message: `span ${(out[i] as SpanRow).span_id} inside describes the same model call; it is counted there`,
        },
      );
    }
  }

  // session inheritance within a trace
  const donorsByTrace = new Map<string, number[]>();
  out.forEach((s, i) => {
    if (s.session_id === null || s.session_source === 'trace') return;
    const list = donorsByTrace.get(s.trace_id) ?? [];
    list.push(i);
    donorsByTrace.set(s.trace_id, list);
  });
  for (const list of donorsByTrace.values()) {
    list.sort(
      (a, b) =>
        (out[a] as SpanRow).start_time - (out[b] as SpanRow).start_time ||
        (out[a] as SpanRow).span_id.localeCompare((out[b] as SpanRow).span_id),
    );
  }
  for (let i = 0; i < out.length; i++) {
    const s = out[i] as SpanRow;
    if (s.session_id !== null && s.session_source !== 'trace') continue;
    const donors = donorsByTrace.get(s.trace_id);
    if (donors === undefined) continue;
    let donor: number | undefined;
    for (const a of ancestors(i)) {
      const anc = out[a] as SpanRow;
      if (anc.session_id !== null && anc.session_source !== 'trace') {
        donor = a;
        break;
      }
    }
    const sessionId = (out[donor ?? traceWide(donors, out)] as SpanRow | undefined)?.session_id ?? null;
    if (sessionId === null) {
      if (s.session_id !== null) out[i] = { ...s, session_id: null, session_source: null };
    } else if (s.session_id !== sessionId || s.session_source !== 'trace')
      out[i] = { ...s, session_id: sessionId, session_source: 'trace' };
  }

  // the one call each demoted span wraps (null: several)
  const wrapped = new Map<number, number | null>();
  for (let i = 0; i < out.length && demoted.size > 0; i++) {
    if (!(out[i] as SpanRow).is_llm_call) continue;
    for (const a of ancestors(i)) if (demoted.has(a)) wrapped.set(a, wrapped.has(a) ? null : i);
  }

  // messages: group per call (by span row, or by ids when the span is not here), keep those of
  // model calls (and, aside, those of demoted wrappers), merge span and log sources, renumber
  const groups = new Map<number | string, MessageRow[]>();
  const ofWrappers = new Map<number, MessageRow[]>();
  for (const m of messages) {
    const i = indexOf(m.trace_id, m.span_id);
    if (i !== undefined && !(out[i] as SpanRow).is_llm_call) {
      if (typeof wrapped.get(i) === 'number') {
        const list = ofWrappers.get(i);
        if (list === undefined) ofWrappers.set(i, [m]);
        else list.push(m);
      }
      continue;
    }
    const k = i ?? key(m.trace_id, m.span_id);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [m]);
    else g.push(m);
  }
  for (const [a, list] of ofWrappers) {
    const call = wrapped.get(a) as number;
    if (call < newFrom || !list.some(hasContent) || (groups.get(call) ?? []).some(hasContent)) continue;
    // the nearest wrapper with content gives them; an outer one holds the same conversation again
    const nearest = ancestors(call).find(
      (w) => wrapped.get(w) === call && ofWrappers.get(w)?.some(hasContent),
    );
    if (nearest !== a) continue;
    const spanId = (out[call] as SpanRow).span_id;
    groups.set(
      call,
      list.map((m) => ({ ...m, span_id: spanId })),
    );
  }
  const renumbered = new Map<MessageRow, number>();
  const kept: MessageRow[] = [];
  for (const g of groups.values()) {
    const ordered = orderCallMessages(g);
    ordered.forEach((m, seq) => {
      renumbered.set(m, seq);
      kept.push(m);
    });
  }

  const completed = kept.map((m) => {
    const i = indexOf(m.trace_id, m.span_id);
    const seq = renumbered.get(m) ?? m.seq;
    if (i === undefined) return seq === m.seq ? m : { ...m, seq };
    const s = out[i] as SpanRow;
    if (
      m.session_id === s.session_id &&
      m.model === s.model &&
      m.start_time === s.start_time &&
      m.seq === seq
    )
      return m;
    return { ...m, session_id: s.session_id, model: s.model, start_time: s.start_time, seq };
  });
  return { spans: out, messages: completed };
}

/** A message that says something: text, or parts (a tool call without text). */
function hasContent(m: MessageRow): boolean {
  return (m.content !== null && m.content !== '') || m.parts !== null;
}

/**
 * The messages of one call in display order. A span that carries its own history makes log copies
 * redundant (per direction). A span that carries only system instructions (OTel JS Responses API
 * sets them even with capture off) keeps them first, followed by the log history minus its own
 * system messages. Log records of one call can arrive split over several requests, each numbered
 * from 0, so they are ordered by direction, then arrival (the order of `messages`).
 */
function orderCallMessages(group: readonly MessageRow[]): MessageRow[] {
  const own = group.filter((m) => m.source !== 'log').sort((a, b) => a.seq - b.seq);
  const logs = group.filter((m) => m.source === 'log');
  const ownInputs = own.filter((m) => m.direction === 'input');
  const ownOutputs = own.filter((m) => m.direction === 'output');
  const instructionsOnly = ownInputs.length > 0 && ownInputs.every((m) => m.role === 'system');
  const logInputs = logs.filter(
    (m) => m.direction === 'input' && (ownInputs.length === 0 || (instructionsOnly && m.role !== 'system')),
  );
  const logOutputs = logs.filter((m) => m.direction === 'output' && ownOutputs.length === 0);
  return [...ownInputs, ...logInputs, ...ownOutputs, ...logOutputs];
}
