/**
 * The captured fixtures: raw OTLP request bodies exactly as real instrumentation libraries sent
 * them, with the ground truth a correct normalizer must reproduce from them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroundTruth } from './ground-truth.ts';

export type { GroundTruth, GroundTruthMessage, GroundTruthSession, MessageRole } from './ground-truth.ts';

export interface FixtureBody {
  signal: 'traces' | 'logs';
  encoding: 'protobuf' | 'json';
  file: string;
  bytes: Uint8Array;
}

export interface Fixture {
  /** `<library>-<encoding>`, e.g. `vercel-ai-json`. */
  name: string;
  dir: string;
  /** In the order the sink received them (the sequence number in the file name). */
  bodies: FixtureBody[];
  groundTruth: GroundTruth;
}

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

const BODY_FILE = /^(traces|logs)-(\d{4})\.(pb|json)$/;

function readBodies(dir: string): FixtureBody[] {
  return readdirSync(dir)
    .flatMap((file) => {
      const match = BODY_FILE.exec(file);
      if (!match) return [];
      const signal = match[1] === 'traces' ? 'traces' : 'logs';
      const encoding = match[3] === 'pb' ? 'protobuf' : 'json';
      return [
        {
          seq: Number(match[2]),
          body: {
            signal,
            encoding,
            file,
            bytes: new Uint8Array(readFileSync(join(dir, file))),
          } satisfies FixtureBody,
        },
      ];
    })
    .sort((a, b) => a.seq - b.seq)
    .map((entry) => entry.body);
}

export function listFixtures(): Fixture[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(FIXTURES_DIR, name);
      const groundTruth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as GroundTruth;
      return { name, dir, bodies: readBodies(dir), groundTruth };
    });
}
