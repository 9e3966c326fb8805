/**
 * Normalizing with a bug contained: if the normalizer throws on a slice of a WAL record, each of
 * its traces is normalized alone, and the traces that still throw are set aside (set-aside.ts)
 * while the others' rows are written.
 */
import type { NormalizedBatch } from '@parley/shared/normalizer/index';
import type { OtlpLogRecord, OtlpSpan } from '@parley/shared/otlp';
import type { SetAside } from './set-aside.ts';
import { traceSlices } from './trace-slices.ts';

export interface Slice {
  spans: OtlpSpan[];
  logs: OtlpLogRecord[];
}

export function normalizeIsolated(
  slice: Slice,
  normalize: (slice: Slice) => NormalizedBatch,
  /** The WAL record's request order (see requestOrder), naming what is set aside. */
  rq: number,
  setAside: SetAside[],
): NormalizedBatch {
  try {
    return normalize(slice);
  } catch {
    const out: NormalizedBatch = { spans: [], messages: [], problems: [] };
    const signal = slice.spans.length > 0 ? 'traces' : 'logs';
    const items: Array<OtlpSpan | OtlpLogRecord> = signal === 'traces' ? slice.spans : slice.logs;
    for (const trace of traceSlices(items, 1)) {
      const alone: Slice =
        signal === 'traces'
          ? { spans: trace as OtlpSpan[], logs: [] }
          : { spans: [], logs: trace as OtlpLogRecord[] };
      try {
        const rows = normalize(alone);
        out.spans.push(...rows.spans);
        out.messages.push(...rows.messages);
        out.problems.push(...rows.problems);
      } catch (err) {
        setAside.push({
          signal,
          traceId: String(trace[0]?.traceId),
          rq,
          error: String((err as Error)?.stack ?? err),
          items: trace,
        });
      }
    }
    return out;
  }
}
