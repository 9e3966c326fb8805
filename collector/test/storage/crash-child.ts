/**
 * Child process for the crash test: sustained concurrent ingest into a pipeline, printing
 * `ack <first span number> <count>` after each acknowledged request. The parent kills it with
 * SIGKILL at a random moment. With `--drain` it only opens (replays) and closes the pipeline.
 * With `--raw` requests carry their OTLP/JSON body, as the receivers pass them, so the WAL holds
 * raw bodies; otherwise decoded objects only.
 */
import { decodeTraces } from '@parley/shared/otlp/decode';
import type { IngestRequest } from '../../src/pipeline-types.ts';
import { silentLogger } from '../../src/log.ts';
import { createPipeline } from '../../src/storage/pipeline.ts';
import { BASE_US, span, tracesJsonBody } from './otlp-builders.ts';

const [dataDir, mode, startArg, form] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: crash-child.ts DATA_DIR (--drain | --ingest START)');

const pipeline = await createPipeline({
  dataDir,
  writerId: 'wcrash',
  flushSpans: 1_500,
  flushIntervalMs: 40,
  maxQueueSpans: 1_000_000,
  prices: null,
  logger: silentLogger,
  compaction: { minFiles: 4 },
  // The drain must write everything the runs left, however slow the machine: a close stops
  // writing after shutdownDrainMs and leaves the rest in the WAL, which the test counts as missing.
  shutdownDrainMs: 10 * 60_000,
});

if (mode === '--drain') {
  await pipeline.close();
  process.stdout.write('drained\n');
} else {
  let next = Number(startArg ?? '1');
  const BATCH = 97;
  async function client(): Promise<void> {
    for (;;) {
      const first = next;
      next += BATCH;
      const spans = Array.from({ length: BATCH }, (_, i) => {
        const n = first + i;
        return span({
          trace: Math.floor(n / 10) + 1,
          span: n,
          startUs: BASE_US + n * 1_000,
          session: `s${n % 37}`,
        });
      });
      let request: IngestRequest = { signal: 'traces', spans };
      if (form === '--raw') {
        const body = tracesJsonBody(spans);
        const decoded = decodeTraces(body, 'json');
        if (!decoded.ok) throw new Error(decoded.error);
        request = { signal: 'traces', raw: { body, encoding: 'json' }, items: decoded.value.length };
      }
      const result = await pipeline.ingest(request);
      if (result.ok) process.stdout.write(`ack ${first} ${BATCH}\n`);
    }
  }
  process.stdout.write('ready\n');
  await Promise.all([client(), client(), client()]);
}
