/**
 * `npm start`: build the viewer when its sources are newer than the build, seed ./data with a demo
 * dataset on first run (not a PARLEY_DATA_DIR of the user's: that is their own store), then run
 * the collector, which also serves the viewer at /.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dataDir = process.env.PARLEY_DATA_DIR ?? join(root, 'data');
const port = process.env.PARLEY_PORT ?? '4318';
const viewerBuild = join(root, 'viewer', 'build');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function viewerIsStale(): boolean {
  const index = join(viewerBuild, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(
    newestMtime(join(root, 'viewer', 'src')),
    newestMtime(join(root, 'shared', 'src')),
  );
  return sources > statSync(index).mtimeMs;
}

function step(label: string, command: string, args: string[]): void {
  console.log(`parley: ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`parley: ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

if (viewerIsStale()) step('building the viewer…', 'npm', ['run', 'build', '-w', '@parley/viewer']);

if (process.env.PARLEY_DATA_DIR === undefined && !existsSync(join(dataDir, 'manifest.json'))) {
  step('writing a demo dataset (1,500 sessions over the last 7 days)…', 'node', [
    join(root, 'test-data', 'src', 'synthetic', 'cli.ts'),
    '--spans',
    '20000',
    '--sessions',
    '1500',
    '--window',
    '7d',
    '--format',
    'parquet',
    '--out',
    dataDir,
  ]);
  console.log(
    `parley: the demo dataset is in ${dataDir}; what your app sends joins it. For a store of your own: PARLEY_DATA_DIR=./my-data npm start`,
  );
}

console.log(`parley: viewer  http://localhost:${port}/`);
const grpcPort = process.env.PARLEY_GRPC_PORT ?? '4317';
const grpc = grpcPort === 'off' ? 'gRPC off' : `gRPC on :${grpcPort}`;
console.log(`parley: OTLP    http://localhost:${port}/v1/traces, /v1/logs (${grpc})`);
// The same memory settings as the collector's bin (see collector/bin/parley-collector.js).
const collector = spawn(
  'node',
  ['--max-semi-space-size=16', join(root, 'collector', 'src', 'cli.ts'), '--port', port, '--data', dataDir],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      PARLEY_VIEWER_DIR: process.env.PARLEY_VIEWER_DIR ?? viewerBuild,
    },
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => collector.kill(signal));
collector.on('exit', (code) => process.exit(code ?? 0));
