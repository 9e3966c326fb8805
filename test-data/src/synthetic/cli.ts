/**
 * gen-synthetic: seeded synthetic GenAI traffic as OTLP/protobuf bodies, OTLP/JSON bodies, or a
 * Parquet dataset written through the collector's storage pipeline. See USAGE.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { USAGE, parseCliOptions } from './cli-options.ts';
import { encodeTracesRequestJson } from './encode-json.ts';
import { encodeTracesRequest } from './encode-protobuf.ts';
import { generateBatches } from './generate.ts';

async function main(): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      options: Object.fromEntries(
        ['spans', 'sessions', 'seed', 'format', 'out', 'batch', 'end', 'window'].map((k) => [
          k,
          { type: 'string' },
        ]),
      ),
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const parsed = parseCliOptions(values);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const o = parsed.options;
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  const generation = {
    spans: o.spans,
    sessions: o.sessions,
    seed: o.seed,
    endMs: o.endMs ?? Date.now(),
    windowMs: o.windowMs,
    batchSize: o.batch,
  };
  const started = performance.now();
  let bytes = 0;
  let batches = 0;
  if (o.format === 'parquet') {
    // Loaded only here: it brings in the collector's storage and DuckDB.
    const { writeParquetDataset } = await import('./parquet.ts');
    const result = await writeParquetDataset(out, generation);
    batches = result.batches;
  } else {
    const encode = o.format === 'protobuf' ? encodeTracesRequest : encodeTracesRequestJson;
    const ext = o.format === 'protobuf' ? 'pb' : 'json';
    for (const batch of generateBatches(generation)) {
      const body = encode(batch);
      await writeFile(join(out, `traces-${String(batches).padStart(6, '0')}.${ext}`), body);
      bytes += body.length;
      batches++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ format: o.format, out, spans: o.spans, batches, bytes, end: new Date(generation.endMs).toISOString(), seconds: Number(seconds.toFixed(1)) })}\n`,
  );
  return 0;
}

process.exitCode = await main();
