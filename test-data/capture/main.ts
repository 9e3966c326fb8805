/**
 * Captures fixtures: for each library and OTLP encoding, runs the library's app in a child process
 * against a fresh fake OpenAI server and OTLP sink, then stores the raw bodies and ground truth
 * under test-data/fixtures/<library>-<encoding>/. Usage: main.ts [library-name ...]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroundTruth } from '../src/ground-truth.ts';
import type { AppReport } from './apps/harness.ts';
import { startFakeOpenAI } from './fake-openai.ts';
import { sessionsFrom } from './ground-truth-build.ts';
import { LIBRARIES, type LibrarySpec } from './libraries.ts';
import { startOtlpSink, type ReceivedBody } from './otlp-sink.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const ENCODINGS = ['protobuf', 'json'] as const;

function runApp(app: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'apps', app)], {
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${app} exited with ${code}`))));
  });
}

function fileName(body: ReceivedBody, seq: number): string {
  if (body.contentEncoding)
    throw new Error(
      `exporter compressed its body (${body.contentEncoding}); fixtures are stored uncompressed`,
    );
  const ext = body.contentType.includes('json') ? 'json' : 'pb';
  return `${body.signal}-${String(seq).padStart(4, '0')}.${ext}`;
}

async function capture(spec: LibrarySpec, encoding: (typeof ENCODINGS)[number]): Promise<void> {
  const server = await startFakeOpenAI();
  const sink = await startOtlpSink();
  const work = mkdtempSync(join(tmpdir(), 'parley-capture-'));
  try {
    const reportPath = join(work, 'report.json');
    await runApp(spec.app, {
      CAPTURE_OPENAI_URL: server.url,
      CAPTURE_SINK_URL: sink.url,
      CAPTURE_ENCODING: encoding,
      CAPTURE_REPORT: reportPath,
    });
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as AppReport;
    const dir = join(FIXTURES, `${spec.name}-${encoding}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    sink.bodies.forEach((body, i) => writeFileSync(join(dir, fileName(body, i + 1)), body.bytes));
    const truth: GroundTruth = {
      library: spec.library,
      convention: spec.convention,
      notes: spec.notes,
      sessions: sessionsFrom(server.calls, spec.wire, report.noSessionTraceIds),
    };
    writeFileSync(join(dir, 'ground-truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
    const bytes = sink.bodies.reduce((n, b) => n + b.bytes.length, 0);
    console.log(
      `${spec.name}-${encoding}: ${server.calls.length} model calls, ${sink.bodies.length} OTLP bodies, ${bytes} bytes`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
    await sink.close();
    await server.close();
  }
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !LIBRARIES.some((l) => l.name === w));
if (unknown.length > 0)
  throw new Error(
    `unknown libraries ${unknown.join(', ')}; known: ${LIBRARIES.map((l) => l.name).join(', ')}`,
  );
for (const spec of LIBRARIES.filter((l) => wanted.length === 0 || wanted.includes(l.name))) {
  for (const encoding of ENCODINGS) await capture(spec, encoding);
}
