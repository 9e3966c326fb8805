/** Synthetic GenAI batches as OTLP protobuf bodies, timed like live traffic (the last hour). */
import { encodeTracesRequest } from '@parley/test-data/synthetic/encode-protobuf';
import { generateBatches } from '@parley/test-data/synthetic/generate';

export function syntheticBodies(count: number, spansPerBody: number): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  const batches = generateBatches({
    spans: count * spansPerBody,
    // Same shape as bench-decode (about 3 turns per session), so the two benchmarks compare.
    sessions: Math.max(1, Math.round((count * spansPerBody) / 10)),
    seed: 20261126,
    windowMs: 3_600_000,
    batchSize: spansPerBody,
  });
  for (const batch of batches) bodies.push(encodeTracesRequest(batch));
  return bodies;
}
