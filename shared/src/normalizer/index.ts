import type { OtlpLogRecord, OtlpSpan, Problem } from '../otlp.ts';
import type { Pricer } from '../pricing/types.ts';
import type { MessageRow, SpanRow } from '../rows.ts';
import { batchCache, type BatchCache } from './batch-cache.ts';
import { completeAcrossBatches } from './cross-batch.ts';
import { logMessages, type LogMessages } from './messages/log-messages.ts';
import { messageRow, truncatedText } from './messages/rows.ts';
import { problemSink } from './problems.ts';
import { normalizeSpan } from './span-row.ts';

export { completeAcrossBatches } from './cross-batch.ts';
export type { Convention } from './convention.ts';

export interface NormalizedBatch {
  spans: SpanRow[];
  messages: MessageRow[];
  /** Problems not attached to a span row (log records that could not be used). */
  problems: Problem[];
}

/**
 * Decoded OTLP spans and log records -> rows. Pure and isomorphic. Every span yields a row (GenAI
 * or not); messages come from LLM-call spans and from GenAI log-record events, joined to their span
 * when it is in the batch. Cross-batch facts are completed by `completeAcrossBatches`, which this
 * runs on the batch itself and the storage layer runs again on what it holds.
 */
export function normalizeBatch(
  input: { spans: OtlpSpan[]; logs: OtlpLogRecord[] },
  options: {
    pricer: Pricer | null;
    /** When the collector received the batch (µs): the time of spans and log records sent without one. */
    receivedUs?: number;
  },
): NormalizedBatch {
  const spans: SpanRow[] = [];
  const messages: MessageRow[] = [];
  const cache = batchCache();
  // A retried export can hold the same span twice; its messages would be numbered on as a second
  // copy of the conversation. The first copy is kept.
  const seen = new Set<string>();
  for (const span of Array.isArray(input.spans) ? input.spans : []) {
    const ids = sameSpanKey(span);
    if (ids !== null) {
      if (seen.has(ids)) continue;
      seen.add(ids);
    }
    const n = normalizeSpan(span, options.pricer, cache, options.receivedUs);
    spans.push(n.row);
    for (const m of n.messages) messages.push(m);
  }
  const problems = problemSink();
  const logs = Array.isArray(input.logs) ? input.logs : [];
  for (const m of logRows(logs, problems, cache, options.receivedUs)) messages.push(m);
  const completed = completeAcrossBatches(spans, messages);
  return { ...completed, problems: problems.list };
}

function sameSpanKey(span: OtlpSpan): string | null {
  const { traceId, spanId } = (span ?? {}) as Partial<OtlpSpan>;
  return typeof traceId === 'string' && typeof spanId === 'string' && traceId !== '' && spanId !== ''
    ? `${traceId}\u0000${spanId}`
    : null;
}

function logRows(
  logs: readonly OtlpLogRecord[],
  problems: ReturnType<typeof problemSink>,
  cache: BatchCache,
  receivedUs: number | undefined,
): MessageRow[] {
  const bySpan = new Map<string, LogMessages[]>();
  logs.forEach((record) => {
    const found = logMessages(record, problems, receivedUs);
    if (found === null) return;
    if (found.traceId === '' || found.spanId === '') {
      problems.add(
        'log_without_span',
        'GenAI message event without trace_id/span_id cannot be joined to a call; dropped',
        'log',
      );
      return;
    }
    const k = `${found.traceId}/${found.spanId}`;
    const list = bySpan.get(k) ?? [];
    list.push(found);
    bySpan.set(k, list);
  });
  const rows: MessageRow[] = [];
  const onTruncate = (length: number, what: 'content' | 'parts') =>
    problems.add('content_truncated', truncatedText(length, what), 'log');
  for (const records of bySpan.values()) {
    // stable sort: records logged at the same instant keep their arrival order
    const ordered = records
      .map((r, i) => ({ r, i }))
      .sort((a, b) => a.r.timeUs - b.r.timeUs || a.i - b.i)
      .map((x) => x.r);
    let seq = 0;
    for (const r of ordered) {
      const ctx = {
        sessionId: null,
        traceId: r.traceId,
        spanId: r.spanId,
        startTime: r.timeUs,
        model: null,
        source: 'log' as const,
      };
      for (const m of r.inputs) rows.push(messageRow(m, 'input', seq++, ctx, onTruncate, cache));
    }
    // gen_ai.choice events carry the choice index; operation.details outputs are numbered in arrival order
    let position = 0;
    const outputs = ordered
      .flatMap((r) =>
        r.outputs.map((o) => ({ r, message: o.message, index: r.choiceIndexed ? o.index : position++ })),
      )
      .map((o, arrival) => ({ ...o, arrival }))
      .sort((a, b) => a.index - b.index || a.arrival - b.arrival);
    for (const o of outputs) {
      const ctx = {
        sessionId: null,
        traceId: o.r.traceId,
        spanId: o.r.spanId,
        startTime: o.r.timeUs,
        model: null,
        source: 'log' as const,
      };
      rows.push(messageRow(o.message, 'output', seq++, ctx, onTruncate, cache));
    }
  }
  return rows;
}
