/**
 * Bounded memory of recently written spans, kept inside DuckDB: the context that cross-batch
 * completion needs (trace sessions, parents, model calls), and what a log-derived message that
 * arrives after its span (in a later batch) joins to.
 */
import type { Duck } from './duck.ts';

export interface RecentLimits {
  /** Entries older than this (wall clock, ms) are forgotten. */
  maxAgeMs: number;
  maxSpans: number;
}

const COLUMNS =
  'trace_id, span_id, parent_span_id, session_id, session_source, model, start_time, is_llm_call';

export async function createRecentTables(duck: Duck): Promise<void> {
  await duck.run(`CREATE TABLE recent_spans (
    trace_id VARCHAR, span_id VARCHAR, parent_span_id VARCHAR, session_id VARCHAR, session_source VARCHAR,
    model VARCHAR, start_time BIGINT, is_llm_call BOOLEAN, seen_ms BIGINT)`);
}

/** Remember the spans of table `spans` (WAL-typed span rows, times as µs). */
export async function rememberSpans(duck: Duck, spans: string, nowMs: number): Promise<void> {
  await duck.run(
    `DELETE FROM recent_spans r USING ${spans} s WHERE r.trace_id = s.trace_id AND r.span_id = s.span_id`,
  );
  await duck.run(`INSERT INTO recent_spans SELECT ${COLUMNS}, $1 FROM ${spans}`, [nowMs]);
}

export async function forgetOld(duck: Duck, nowMs: number, limits: RecentLimits): Promise<void> {
  await duck.run(`DELETE FROM recent_spans WHERE seen_ms < $1`, [nowMs - limits.maxAgeMs]);
  await duck.run(
    `DELETE FROM recent_spans WHERE seen_ms < (SELECT seen_ms FROM recent_spans ORDER BY seen_ms DESC LIMIT 1 OFFSET $1)`,
    [limits.maxSpans],
  );
}

/** Seed the memory from spans already in Parquet (after a restart), so late messages still join. */
export async function seedFromParquet(duck: Duck, files: readonly string[], nowMs: number): Promise<void> {
  if (files.length === 0) return;
  await duck.run(
    `INSERT INTO recent_spans
     SELECT trace_id, span_id, parent_span_id, session_id, session_source, model, epoch_us(start_time), is_llm_call, $2
     FROM read_parquet($1, union_by_name = true)`,
    [files, nowMs],
  );
}
