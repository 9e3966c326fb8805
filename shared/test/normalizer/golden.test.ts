/**
 * The normalizer's exact output, pinned: a digest of every row normalizeBatch gives for seeded
 * synthetic batches (the generator's 512-span GenAI bodies, straight and through the protobuf and
 * JSON decoders) and for every captured fixture (body by body and all bodies as one batch). The
 * expected digests were computed with the normalizer before its performance pass, which had to
 * keep every byte: content_hash is stored in Parquet and de-duplicates history across spans, and
 * the raw JSON columns are kept verbatim.
 *
 * A deliberate change of output changes these digests: check the change is the intended one (the
 * other normalizer tests say what each row must hold), then update them from the failure message.
 */
import { createHash } from 'node:crypto';
import { listFixtures } from '@parley/test-data/fixtures';
import { encodeTracesRequestJson } from '@parley/test-data/synthetic/encode-json';
import { encodeTracesRequest } from '@parley/test-data/synthetic/encode-protobuf';
import { generateBatches } from '@parley/test-data/synthetic/generate';
import { describe, expect, it } from 'vitest';
import { normalizeBatch } from '../../src/normalizer/index.ts';
import { decodeLogs, decodeTraces } from '../../src/otlp/decode.ts';
import type { OtlpLogRecord, OtlpSpan } from '../../src/otlp.ts';
import { createPricer } from '../../src/pricing/index.ts';

const pricer = createPricer();

function digest(batches: Iterable<{ spans: OtlpSpan[]; logs: OtlpLogRecord[] }>): string {
  const hash = createHash('sha256');
  let rows = 0;
  for (const batch of batches) {
    const out = normalizeBatch(batch, { pricer });
    rows += out.spans.length + out.messages.length;
    hash.update(JSON.stringify(out));
    hash.update('\n');
  }
  return `${rows} rows ${hash.digest('hex').slice(0, 32)}`;
}

function decoded(result: ReturnType<typeof decodeTraces> | ReturnType<typeof decodeLogs>) {
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function* syntheticBatches(): Generator<{ spans: OtlpSpan[]; logs: OtlpLogRecord[] }> {
  const options = { spans: 2048, sessions: 150, seed: 11, endMs: Date.UTC(2026, 10, 1) };
  for (const spans of generateBatches(options)) {
    yield { spans, logs: [] };
    yield { spans: decoded(decodeTraces(encodeTracesRequest(spans), 'protobuf')) as OtlpSpan[], logs: [] };
    yield { spans: decoded(decodeTraces(encodeTracesRequestJson(spans), 'json')) as OtlpSpan[], logs: [] };
  }
}

function* fixtureBatches(): Generator<{ spans: OtlpSpan[]; logs: OtlpLogRecord[] }> {
  for (const fixture of listFixtures()) {
    const all = { spans: [] as OtlpSpan[], logs: [] as OtlpLogRecord[] };
    for (const body of fixture.bodies) {
      const one =
        body.signal === 'traces'
          ? { spans: decoded(decodeTraces(body.bytes, body.encoding)) as OtlpSpan[], logs: [] }
          : { spans: [], logs: decoded(decodeLogs(body.bytes, body.encoding)) as OtlpLogRecord[] };
      yield one;
      all.spans.push(...one.spans);
      all.logs.push(...one.logs);
    }
    yield all;
  }
}

describe('normalizeBatch output (golden digests)', () => {
  it('is unchanged on seeded synthetic batches, decoded or not', () => {
    expect(digest(syntheticBatches())).toBe('23562 rows d292fda37ced94b5876fc5e925255e2d');
  });

  it('is unchanged on every captured fixture', () => {
    expect(digest(fixtureBatches())).toBe('1192 rows 7ae810a679a43bb542aef179483d9154');
  });
});
