/**
 * Synthetic spans -> a Parquet dataset, through the collector's own storage pipeline (normalize,
 * WAL, Parquet partitions, manifest), so the dataset is exactly what a live collector would write.
 */
import type { Pipeline } from '@parley/collector/src/pipeline-types.ts';
import { silentLogger } from '@parley/collector/src/log.ts';
import { createPipeline } from '@parley/collector/src/storage/pipeline.ts';
import { type SyntheticOptions, generateBatches } from './generate.ts';

export interface DatasetResult {
  spans: number;
  batches: number;
}

async function ingestAll(
  pipeline: Pipeline,
  options: SyntheticOptions & { batchSize?: number },
): Promise<DatasetResult> {
  let spans = 0;
  let batches = 0;
  for (const batch of generateBatches(options)) {
    for (;;) {
      const result = await pipeline.ingest({ signal: 'traces', spans: batch });
      if (result.ok) break;
      if (result.reason === 'closing') throw new Error('storage pipeline closed during generation');
      // Back-pressure: drain what is logged into Parquet, then offer the batch again.
      await pipeline.flush();
    }
    spans += batch.length;
    batches++;
  }
  return { spans, batches };
}

export async function writeParquetDataset(
  dataDir: string,
  options: SyntheticOptions & { batchSize?: number },
): Promise<DatasetResult> {
  // An offline batch job, unlike live traffic: every batch covers the whole window, so flush by
  // size only (few, large files per hour partition), and give DuckDB more room than the
  // collector's low-RSS default.
  const pipeline = await createPipeline({
    dataDir,
    prices: { overridesFile: null },
    logger: silentLogger,
    duckdb: { memoryLimitBytes: 1024 * 1024 * 1024 },
    flushSpans: 100_000,
    flushIntervalMs: 3_600_000,
  });
  try {
    return await ingestAll(pipeline, options);
  } finally {
    await pipeline.close();
  }
}
