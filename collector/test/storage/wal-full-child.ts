/**
 * Child process for received-count.test.ts, started under a small file-size limit (`ulimit -f`):
 * ingests requests until some WAL writes have failed (cut short at the limit, or EFBIG past it)
 * and later ones succeeded again in a fresh segment, then prints what was acknowledged, what
 * failed and what the pipeline counts, and which storage failure its stats named after a failed
 * write and after the next write that went through.
 */
import { silentLogger } from '../../src/log.ts';
import { createPipeline } from '../../src/storage/pipeline.ts';
import { BASE_US, span } from './otlp-builders.ts';

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: wal-full-child.ts DATA_DIR');

const pipeline = await createPipeline({
  dataDir,
  writerId: 'wfull',
  // Nothing is written to Parquet meanwhile: only the WAL meets the limit.
  flushSpans: 1_000_000,
  flushIntervalMs: 3_600_000,
  prices: null,
  logger: silentLogger,
});

const BATCH = 20;
let acked = 0;
let failed = 0;
let ackedAfterFailure = 0;
let errorAfterFailure: string | null = null;
let errorAfterRecovery: string | null = 'unset';
for (let request = 0; request < 200 && ackedAfterFailure < 3; request++) {
  const spans = Array.from({ length: BATCH }, (_, i) => {
    const n = request * BATCH + i;
    return span({
      trace: n + 1,
      span: n + 1,
      startUs: BASE_US + n * 1_000,
      session: 's',
      input: 'x'.repeat(2_000),
    });
  });
  try {
    const result = await pipeline.ingest({ signal: 'traces', spans });
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    acked += BATCH;
    if (failed > 0) {
      ackedAfterFailure++;
      if (ackedAfterFailure === 1) errorAfterRecovery = pipeline.stats().storageError?.event ?? null;
    }
  } catch {
    // A write cut short at the limit, or refused past it (EFBIG): the request was answered 500.
    failed += BATCH;
    errorAfterFailure = pipeline.stats().storageError?.event ?? null;
  }
}
const received = pipeline.stats().spansReceived;
process.stdout.write(
  `${JSON.stringify({ acked, failed, received, errorAfterFailure, errorAfterRecovery })}\n`,
);
process.exit(0);
