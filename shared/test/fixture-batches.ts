/**
 * A captured fixture's request bodies decoded, and normalized one batch per body and completed
 * across batches, the way storage does it: what the fixture tests compare with ground truth.
 */
import type { Fixture } from '@parley/test-data/fixtures';
import { completeAcrossBatches, normalizeBatch } from '../src/normalizer/index.ts';
import { decodeLogs, decodeTraces } from '../src/otlp/decode.ts';
import type { OtlpLogRecord, OtlpSpan } from '../src/otlp.ts';
import type { Pricer } from '../src/pricing/types.ts';

export type Batch = { spans: OtlpSpan[]; logs: OtlpLogRecord[] };

export function decodeBodies(fixture: Fixture): Batch[] {
  return fixture.bodies.map((body) => {
    if (body.signal === 'traces') {
      const r = decodeTraces(body.bytes, body.encoding);
      if (!r.ok) throw new Error(`${fixture.name}/${body.file}: ${r.error}`);
      return { spans: r.value, logs: [] };
    }
    const r = decodeLogs(body.bytes, body.encoding);
    if (!r.ok) throw new Error(`${fixture.name}/${body.file}: ${r.error}`);
    return { spans: [], logs: r.value };
  });
}

export function batchByBatch(batches: Batch[], pricer: Pricer) {
  const results = batches.map((b) => normalizeBatch(b, { pricer }));
  return completeAcrossBatches(
    results.flatMap((r) => r.spans),
    results.flatMap((r) => r.messages),
  );
}
