/**
 * Real collectors for tests: in-process on random ports with a temp data dir, or the real CLI as
 * a child process (for kill -9 and signals).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CollectorConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { startCollector, type CollectorDeps, type RunningCollector } from '../../src/server.ts';
import { createPipeline } from '../../src/storage/pipeline.ts';
import { tempDir } from './http.ts';

export interface TestCollector extends RunningCollector {
  url: string;
  dataDir: string;
}

export async function startTestCollector(
  overrides: Partial<CollectorConfig> = {},
  deps: Pick<CollectorDeps, 'jsonDecoder'> = {},
): Promise<TestCollector> {
  const dataDir = overrides.dataDir ?? (await tempDir());
  const config: CollectorConfig = {
    port: 0,
    grpcPort: 0,
    host: '127.0.0.1',
    dataDir,
    token: null,
    flushSpans: 100_000,
    flushIntervalMs: 600_000,
    retentionDays: null,
    maxBodyBytes: 8 * 1024 * 1024,
    maxBacklogBytes: 1024 * 1024 * 1024,
    shutdownDrainMs: 60_000,
    carryMaxAgeMs: 60_000,
    corsOrigins: '*',
    pricesFile: null,
    viewerDir: null,
    logLevel: 'info',
    ...overrides,
  };
  const collector = await startCollector(config, { log: silentLogger, createPipeline, ...deps });
  return { ...collector, dataDir, url: `http://127.0.0.1:${collector.httpPort}` };
}

const BIN = fileURLToPath(new URL('../../bin/parley-collector.js', import.meta.url));

export interface ChildCollector {
  child: ChildProcess;
  url: string;
  grpcPort: number | null;
  /** Resolves with the exit code, or the signal name when killed by one. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Every structured log line seen so far. */
  logs: Record<string, unknown>[];
}

/** Spawns `bin/parley-collector.js` and resolves once it logged that it is listening. */
export function spawnCollector(
  dataDir: string,
  extraEnv: Record<string, string> = {},
): Promise<ChildCollector> {
  const child = spawn(
    process.execPath,
    [BIN, '--port', '0', '--grpc-port', 'off', '--host', '127.0.0.1', '--data', dataDir],
    {
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stderr as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { event: 'unstructured', line };
      }
      logs.push(entry);
      if (entry.event === 'listening') {
        const grpcPort = typeof entry.grpc_port === 'number' ? entry.grpc_port : null;
        resolve({ child, url: `http://127.0.0.1:${String(entry.http_port)}`, grpcPort, exited, logs });
      }
    });
    void exited.then((code) =>
      reject(new Error(`collector exited with ${code} before listening: ${JSON.stringify(logs)}`)),
    );
  });
}
