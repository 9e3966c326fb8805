/**
 * Receiver-side counters plus the pipeline's own stats, rendered as Prometheus text exposition.
 */
import type { Admission } from './admission.ts';
import type { BodyBudget } from './body-budget.ts';
import type { PipelineStats } from './pipeline-types.ts';

export interface Metrics {
  spansRejected: number;
  logsRejected: number;
  /** Requests by transport, route and status (HTTP status or gRPC status name). */
  requests: Map<string, number>;
  /** Ack latency of successful ingest requests, in seconds, cumulative buckets. */
  ackBuckets: number[];
  ackCount: number;
  ackSumSeconds: number;
}

const ACK_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(): Metrics {
  return {
    spansRejected: 0,
    logsRejected: 0,
    requests: new Map(),
    ackBuckets: ACK_BOUNDS.map(() => 0),
    ackCount: 0,
    ackSumSeconds: 0,
  };
}

export function countRequest(
  metrics: Metrics,
  transport: 'http' | 'grpc',
  route: string,
  status: string | number,
): void {
  const key = `transport="${transport}",route="${route}",status="${status}"`;
  metrics.requests.set(key, (metrics.requests.get(key) ?? 0) + 1);
}

export function observeAck(metrics: Metrics, seconds: number): void {
  metrics.ackCount++;
  metrics.ackSumSeconds += seconds;
  ACK_BOUNDS.forEach((bound, i) => {
    if (seconds <= bound) metrics.ackBuckets[i] = (metrics.ackBuckets[i] ?? 0) + 1;
  });
}

export function renderMetrics(
  metrics: Metrics,
  stats: PipelineStats,
  admission: Admission,
  bodyBudget: BodyBudget,
  memory: NodeJS.MemoryUsage,
): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  metric(
    'parley_spans_received_total',
    'counter',
    'Spans accepted into the durable log.',
    stats.spansReceived,
  );
  metric(
    'parley_spans_rejected_total',
    'counter',
    'Spans rejected while decoding (partial_success).',
    metrics.spansRejected,
  );
  metric('parley_spans_written_total', 'counter', 'Span rows written to Parquet.', stats.spansWritten);
  metric(
    'parley_logs_received_total',
    'counter',
    'Log records accepted into the durable log.',
    stats.logsReceived,
  );
  metric(
    'parley_logs_rejected_total',
    'counter',
    'Log records rejected while decoding.',
    metrics.logsRejected,
  );
  metric(
    'parley_messages_written_total',
    'counter',
    'Message rows written to Parquet.',
    stats.messagesWritten,
  );
  metric(
    'parley_items_set_aside_total',
    'counter',
    'Spans and log records the normalizer failed on (a bug), kept in _wal/set-aside/ instead of Parquet.',
    stats.itemsSetAside,
  );
  metric(
    'parley_spans_duplicate_total',
    'counter',
    'Spans not written again: their trace and span id was already written (retried exports).',
    stats.spansDuplicate,
  );
  metric('parley_queue_depth', 'gauge', 'Items logged but not yet written to Parquet.', stats.queueDepth);
  metric(
    'parley_wal_bytes',
    'gauge',
    'Bytes in write-ahead log segments not yet materialized.',
    stats.walBytes,
  );
  metric(
    'parley_last_flush_seconds',
    'gauge',
    'Duration of the last Parquet flush.',
    stats.lastFlushMs / 1000,
  );
  metric('parley_flushes_total', 'counter', 'Parquet flushes completed.', stats.flushes);
  metric(
    'parley_storage_failing',
    'gauge',
    '1 while storage fails (WAL append, flush, compaction) and has not worked since; see /healthz.',
    stats.storageError === null ? 0 : 1,
  );
  metric('parley_exports_active', 'gauge', 'Export requests being decoded and ingested.', admission.active());
  metric('parley_exports_waiting', 'gauge', 'Export requests waiting for a slot.', admission.waiting());
  metric(
    'parley_request_body_bytes',
    'gauge',
    'Request bytes the receivers hold: HTTP bodies being received (Content-Length taken on arrival) and HTTP or gRPC requests waiting for a slot.',
    bodyBudget.held(),
  );
  metric('process_resident_memory_bytes', 'gauge', 'Resident set size.', memory.rss);

  lines.push(
    '# HELP parley_requests_total Requests by transport, route and status.',
    '# TYPE parley_requests_total counter',
  );
  for (const [labels, count] of metrics.requests) lines.push(`parley_requests_total{${labels}} ${count}`);

  lines.push(
    '# HELP parley_ack_latency_seconds Time from request start to durable acknowledgement.',
    '# TYPE parley_ack_latency_seconds histogram',
  );
  ACK_BOUNDS.forEach((bound, i) =>
    lines.push(`parley_ack_latency_seconds_bucket{le="${bound}"} ${metrics.ackBuckets[i] ?? 0}`),
  );
  lines.push(`parley_ack_latency_seconds_bucket{le="+Inf"} ${metrics.ackCount}`);
  lines.push(
    `parley_ack_latency_seconds_sum ${metrics.ackSumSeconds}`,
    `parley_ack_latency_seconds_count ${metrics.ackCount}`,
  );
  return `${lines.join('\n')}\n`;
}
