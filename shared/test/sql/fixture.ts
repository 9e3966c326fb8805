/**
 * A hand-made dataset following schema.ts, covering what the SQL must get right: sessions spread
 * over several hourly summary rows, spans that inherit their session from the trace at query time,
 * sessionless traces, unpriced calls, ids with quotes, backslashes, LIKE metacharacters and
 * unicode, and a deterministic crowd of filler sessions for sorting and paging.
 */
import type { MessageRow, SessionSummaryRow, SpanRow } from '../../src/rows.ts';
import type { TableName } from '../../src/schema.ts';

export const HOUR = 3_600_000_000;
export const MIN = 60_000_000;
/** 2026-11-20T00:00:00Z */
export const T0 = Date.UTC(2026, 10, 20) * 1000;
/** "now" for relative ranges: three days after T0. */
export const NOW = T0 + 72 * HOUR;

let spanCounter = 0;
export function hexId(prefix: string, n: number, len: number): string {
  return (prefix + n.toString(16)).padStart(len, '0').slice(-len);
}

export interface CallSpec {
  trace: string;
  session: string | null;
  start: number;
  durMs?: number;
  model?: string | null;
  input?: number | null;
  output?: number | null;
  cached?: number | null;
  reasoning?: number | null;
  inCost?: number | null;
  outCost?: number | null;
  cost?: number | null;
  status?: SpanRow['status_code'];
  llm?: boolean;
  spanId?: string;
}

export function span(c: CallSpec): SpanRow {
  const durMs = c.durMs ?? 1500;
  const llm = c.llm ?? true;
  const inCost = c.inCost === undefined ? (c.cost === undefined ? 0.001 : null) : c.inCost;
  const outCost = c.outCost === undefined ? (c.cost === undefined ? 0.002 : null) : c.outCost;
  const total =
    c.cost === undefined ? (inCost === null || outCost === null ? null : inCost + outCost) : c.cost;
  return {
    trace_id: c.trace,
    span_id: c.spanId ?? hexId('5', ++spanCounter, 16),
    parent_span_id: null,
    name: llm ? `chat ${c.model ?? ''}` : 'agent run',
    kind: llm ? 'CLIENT' : 'INTERNAL',
    service_name: 'svc',
    scope_name: 'test',
    start_time: c.start,
    end_time: c.start + durMs * 1000,
    duration_ms: durMs,
    status_code: c.status ?? 'OK',
    status_message: c.status === 'ERROR' ? 'boom' : null,
    error_type: null,
    session_id: c.session,
    session_source: c.session ? 'gen_ai.conversation.id' : null,
    user_id: null,
    operation: llm ? 'chat' : 'invoke_agent',
    provider: llm ? 'openai' : null,
    request_model: llm ? (c.model ?? null) : null,
    response_model: llm ? (c.model ?? null) : null,
    model: llm ? (c.model === undefined ? 'gpt-4o' : c.model) : null,
    input_tokens: llm ? (c.input === undefined ? 100 : c.input) : null,
    output_tokens: llm ? (c.output === undefined ? 20 : c.output) : null,
    cached_input_tokens: llm ? (c.cached === undefined ? 0 : c.cached) : null,
    cache_creation_input_tokens: null,
    reasoning_tokens: llm ? (c.reasoning ?? null) : null,
    input_cost_usd: llm ? inCost : null,
    output_cost_usd: llm ? outCost : null,
    total_cost_usd: llm ? total : null,
    cost_source: llm && total !== null ? 'price-table' : null,
    price_version: null,
    is_llm_call: llm,
    convention: llm ? 'otel-genai' : null,
    finish_reasons: llm ? ['stop'] : null,
    problems: null,
    attributes: '{}',
    resource_attributes: '{}',
    events: '[]',
  };
}

export function message(
  s: SpanRow,
  seq: number,
  direction: MessageRow['direction'],
  role: string,
  content: string,
  opts: { session?: string | null; parts?: string | null; toolCallId?: string | null } = {},
): MessageRow {
  return {
    session_id: opts.session === undefined ? s.session_id : opts.session,
    trace_id: s.trace_id,
    span_id: s.span_id,
    start_time: s.start_time,
    seq,
    direction,
    role,
    content,
    parts: opts.parts ?? null,
    tool_call_id: opts.toolCallId ?? null,
    tool_name: null,
    finish_reason: direction === 'output' ? 'stop' : null,
    model: s.model,
    content_hash: `h:${role}:${content}:${opts.parts ?? ''}`,
    source: 'span_attribute',
  };
}

/** The session key of each span, inherited from the earliest span of its trace that has one. */
export function effectiveKey(spans: readonly SpanRow[]): Map<SpanRow, string> {
  // A trace's session for its spans without one: its earliest root's, else its only one (trace-session.ts).
  const root = new Map<string, SpanRow>();
  const sessions = new Map<string, Set<string>>();
  for (const s of spans) {
    if (s.session_id === null) continue;
    sessions.set(s.trace_id, (sessions.get(s.trace_id) ?? new Set()).add(s.session_id));
    if (s.parent_span_id !== null) continue;
    const cur = root.get(s.trace_id);
    if (
      !cur ||
      s.start_time < cur.start_time ||
      (s.start_time === cur.start_time && s.session_id < (cur.session_id as string))
    ) {
      root.set(s.trace_id, s);
    }
  }
  const traceSession = (traceId: string): string | null => {
    const only = sessions.get(traceId);
    return root.get(traceId)?.session_id ?? (only?.size === 1 ? [...only][0]! : null);
  };
  return new Map(spans.map((s) => [s, s.session_id ?? traceSession(s.trace_id) ?? `trace:${s.trace_id}`]));
}

/** Per-(session, hour) summaries, as the collector writes them beside the spans. */
export function summarize(spans: readonly SpanRow[]): SessionSummaryRow[] {
  const keys = effectiveKey(spans);
  const groups = new Map<string, SpanRow[]>();
  for (const s of spans) {
    const g = `${keys.get(s)}\u0000${Math.floor(s.start_time / HOUR)}`;
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  return [...groups.values()].map((rows) => {
    const key = keys.get(rows[0] as SpanRow) as string;
    const calls = rows.filter((r) => r.is_llm_call);
    const priced = calls.filter((c) => c.total_cost_usd !== null);
    const isTrace = key.startsWith('trace:');
    // As the collector sums: over the calls that reported the figure, NULL when none did.
    const reported = (f: (c: SpanRow) => number | null) =>
      calls.reduce<number | null>((a, c) => (f(c) === null ? a : (a ?? 0) + (f(c) as number)), null);
    return {
      session_id: isTrace ? null : key,
      trace_id: isTrace ? key.slice(6) : null,
      first_time: Math.min(...rows.map((r) => r.start_time)),
      last_time: Math.max(...rows.map((r) => r.end_time)),
      spans: rows.length,
      llm_calls: calls.length,
      input_tokens: reported((c) => c.input_tokens),
      output_tokens: reported((c) => c.output_tokens),
      cached_input_tokens: reported((c) => c.cached_input_tokens),
      reasoning_tokens: reported((c) => c.reasoning_tokens),
      total_cost_usd: priced.length ? priced.reduce((a, c) => a + (c.total_cost_usd ?? 0), 0) : null,
      unpriced_calls: calls.length - priced.length,
      errors: rows.filter((r) => r.status_code === 'ERROR').length,
      models: [...new Set(calls.map((c) => c.model).filter((m): m is string => m !== null))].sort(),
      user_id: null,
      service_name: 'svc',
    };
  });
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SPECIAL_IDS = [
  "sess-O'Brien",
  'sess-back\\slash',
  'sess-100%_done',
  'sess-ünïcödé-🦜',
  'SESS-Upper',
  'sess-"dq";DROP TABLE spans;--',
  // As long as a stored id gets (MAX_ID_CHARS): the cut of a longer one.
  `sess-long-${'x'.repeat(1014)}`,
] as const;
export const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', "o'model,with|odd chars"] as const;

export interface Built {
  spans: SpanRow[];
  messages: MessageRow[];
  summaries: SessionSummaryRow[];
}

/** Sessions page data: specials + a sessionless trace + 150 filler sessions over three days. */
export function buildPageData(): Built {
  const spans: SpanRow[] = [];
  const r = rng(42);
  // Alpha: two traces over two hours; the second trace's model call lacks session_id and
  // inherits it from the agent span of its trace.
  const alpha = span({
    trace: hexId('a1', 1, 32),
    session: 'sess-alpha',
    start: T0 + 10 * MIN,
    model: 'gpt-4o',
  });
  spans.push(alpha);
  const messages = [
    message(alpha, 0, 'input', 'user', 'hi'),
    message(alpha, 1, 'output', 'assistant', 'hello'),
  ];
  spans.push(span({ trace: hexId('a2', 2, 32), session: 'sess-alpha', start: T0 + 70 * MIN, llm: false }));
  spans.push(
    span({
      trace: hexId('a2', 2, 32),
      session: null,
      start: T0 + 71 * MIN,
      model: 'claude-sonnet-4',
      status: 'ERROR',
    }),
  );
  SPECIAL_IDS.forEach((id, i) => {
    spans.push(
      span({
        trace: hexId('b', i, 32),
        session: id,
        start: T0 + (5 + i) * HOUR,
        model: MODELS[i % MODELS.length],
      }),
    );
  });
  // A trace without a session, unpriced.
  spans.push(
    span({
      trace: hexId('c0ffee', 1, 32),
      session: null,
      start: T0 + 30 * HOUR,
      model: 'mystery-model',
      inCost: null,
      outCost: null,
    }),
  );
  // An unpriced session and a partially priced one.
  spans.push(
    span({
      trace: hexId('d', 1, 32),
      session: 'sess-unpriced',
      start: T0 + 40 * HOUR,
      model: 'mystery-model',
      inCost: null,
      outCost: null,
    }),
  );
  spans.push(
    span({
      trace: hexId('d', 2, 32),
      session: 'sess-partial',
      start: T0 + 41 * HOUR,
      model: 'mystery-model',
      inCost: null,
      outCost: null,
    }),
  );
  spans.push(
    span({ trace: hexId('d', 2, 32), session: 'sess-partial', start: T0 + 42 * HOUR, model: 'gpt-4o' }),
  );
  // Calls that reported no usage (NULL tokens): all of a session's, and one of two.
  const noUsage = {
    model: 'gpt-4o',
    input: null,
    output: null,
    cached: null,
    inCost: null,
    outCost: null,
    status: 'ERROR' as const,
  };
  spans.push(span({ trace: hexId('d', 3, 32), session: 'sess-no-usage', start: T0 + 43 * HOUR, ...noUsage }));
  spans.push(span({ trace: hexId('d', 3, 32), session: 'sess-no-usage', start: T0 + 44 * HOUR, ...noUsage }));
  spans.push(
    span({ trace: hexId('d', 4, 32), session: 'sess-some-usage', start: T0 + 45 * HOUR, ...noUsage }),
  );
  spans.push(
    span({ trace: hexId('d', 4, 32), session: 'sess-some-usage', start: T0 + 46 * HOUR, model: 'gpt-4o' }),
  );
  for (let i = 0; i < 150; i++) {
    const id = `filler-${String(i).padStart(3, '0')}`;
    const calls = 1 + Math.floor(r() * 4);
    let t = T0 + Math.floor(r() * 70 * HOUR);
    for (let c = 0; c < calls; c++) {
      const model = MODELS[Math.floor(r() * 3)] as string;
      const priced = r() > 0.15;
      spans.push(
        span({
          trace: hexId('f', i * 10 + c, 32),
          session: id,
          start: t,
          durMs: 200 + Math.floor(r() * 5000),
          model,
          input: Math.floor(r() * 3) * 500,
          output: Math.floor(r() * 1000),
          cached: Math.floor(r() * 2) * 100,
          inCost: priced ? Math.round(r() * 1e4) / 1e6 : null,
          outCost: priced ? Math.round(r() * 1e4) / 1e6 : null,
          status: r() < 0.1 ? 'ERROR' : 'OK',
        }),
      );
      t += Math.floor(r() * 3 * HOUR);
    }
  }
  return { spans, messages, summaries: summarize(spans) };
}

/** Groups rows into one file per table and day (few files keep the tests quick), laid out like a snapshot. */
export function fileGroups(b: Built): { table: TableName; path: string; rows: Record<string, unknown>[] }[] {
  const out = new Map<string, { table: TableName; path: string; rows: Record<string, unknown>[] }>();
  const add = (table: TableName, time: number, row: object) => {
    const d = new Date(Math.floor(time / 1000));
    const part = `date=${d.toISOString().slice(0, 10)}/hour=00`;
    const path = `${table}/${part}/w1-000001.parquet`;
    let g = out.get(path);
    if (!g) out.set(path, (g = { table, path, rows: [] }));
    g.rows.push(row as Record<string, unknown>);
  };
  for (const s of b.spans) add('spans', s.start_time, s);
  for (const m of b.messages) add('messages', m.start_time, m);
  for (const s of b.summaries) add('sessions', s.first_time, s);
  return [...out.values()];
}
