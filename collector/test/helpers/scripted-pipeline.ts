/**
 * A pipeline whose answers the test chooses, for receiver behaviour the real storage cannot be
 * driven into on demand (back-pressure, shutdown, failure). It records what it was given.
 */
import type { IngestRequest, IngestResult, Pipeline, PipelineStats } from '../../src/pipeline-types.ts';

export interface ScriptedPipeline extends Pipeline {
  received: IngestRequest[];
  /** The answer to the next ingest calls; an Error is thrown. */
  next: IngestResult | Error;
  /** While set, ingest calls wait for it before answering. */
  hold: Promise<void> | null;
  /** What stats() reports as the storage failure. */
  storageError: PipelineStats['storageError'];
}

export function scriptedPipeline(): ScriptedPipeline {
  const stats: PipelineStats = {
    spansReceived: 0,
    logsReceived: 0,
    spansWritten: 0,
    messagesWritten: 0,
    itemsSetAside: 0,
    spansDuplicate: 0,
    queueDepth: 0,
    walBytes: 0,
    lastFlushMs: 0,
    storageError: null,
    flushes: 0,
  };
  const pipeline: ScriptedPipeline = {
    received: [],
    next: { ok: true, accepted: 0 },
    hold: null,
    storageError: null,
    async ingest(request) {
      if (pipeline.hold !== null) await pipeline.hold;
      const answer = pipeline.next;
      if (answer instanceof Error) throw answer;
      if (answer.ok) {
        pipeline.received.push(request);
        const items =
          'raw' in request
            ? request.items
            : request.signal === 'traces'
              ? request.spans.length
              : request.logs.length;
        if (request.signal === 'traces') stats.spansReceived += items;
        else stats.logsReceived += items;
      }
      return answer;
    },
    async flush() {},
    async close() {},
    stats: () => ({ ...stats, storageError: pipeline.storageError }),
  };
  return pipeline;
}
