/**
 * The bins as an operator runs them: one line and an exit code for what they refuse, before
 * anything starts.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector } from './helpers/collector.ts';
import { tempDir } from './helpers/http.ts';

const COLLECTOR = fileURLToPath(new URL('../bin/parley-collector.js', import.meta.url));
const SNAPSHOT = fileURLToPath(new URL('../bin/parley-snapshot.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(node: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // A bin that should have refused but started anyway must not outlive the test.
    const child = spawn(node, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A Node that reports an older version, for the bins' check (the real one parses them anyway). */
const OLD_NODE_IMPORT =
  'data:text/javascript,' +
  encodeURIComponent(
    "Object.defineProperty(process.versions, 'node', { value: '22.18.0' });" +
      "Object.defineProperty(process, 'version', { value: 'v22.18.0' });",
  );

/** The machine's own node when it is older than the pinned one (system packages often are). */
function olderSystemNode(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!fs.existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (Number(version.slice(1).split('.')[0]) < 24) return candidate;
  }
  return null;
}

describe('the bins on an older Node', () => {
  it.each([
    ['parley-collector', COLLECTOR],
    ['parley-snapshot', SNAPSHOT],
  ])('%s names the Node it needs, in one line', async (name, bin) => {
    const result = await run(process.execPath, ['--import', OLD_NODE_IMPORT, bin, '--help']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${name} needs Node >= 24 (this is v22.18.0): run it with the repository's node_modules/.bin/node, or through npx from the repository.\n`,
    );
  });

  const systemNode = olderSystemNode();
  it.runIf(systemNode !== null)('parley-collector says so under a real older Node too', async () => {
    const result = await run(systemNode as string, [COLLECTOR, '--help']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^parley-collector needs Node >= 24 \(this is v\d+\.\d+\.\d+\)[^\n]*\n$/);
  });
});

describe('parley-collector refuses a bad configuration with one line and exit 2', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await tempDir('parley-cli-');
  });
  afterAll(async () => {
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  it.each<[string, string[], Record<string, string>, string]>([
    ['a viewer dir with no build', ['--viewer-dir', '/nonexistent'], {}, '/nonexistent has no index.html'],
    ['an empty PARLEY_TOKEN', [], { PARLEY_TOKEN: '' }, '--token / PARLEY_TOKEN is empty'],
    ['an empty --token', ['--token='], {}, '--token / PARLEY_TOKEN is empty'],
    ['a PARLEY_TOKEN ending in a newline', [], { PARLEY_TOKEN: 't0k\n' }, 'has "\\n" at character 4'],
    ['a flag where a value should be', ['--data', '--port', '0'], {}, 'option --data needs a value'],
  ])('%s', async (_what, args, env, message) => {
    const base = ['--port', '0', '--grpc-port', 'off', '--host', '127.0.0.1', '--data', dataDir];
    const result = await run(process.execPath, [COLLECTOR, ...base, ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([expect.stringContaining(message), '']);
    expect(result.stderr).toMatch(/^parley-collector: /);
  });
});

describe('a port in use', () => {
  it('names --port, as gRPC names --grpc-port', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    const dataDir = await tempDir('parley-busy-');
    try {
      await expect(startTestCollector({ port, dataDir, grpcPort: null })).rejects.toThrow(
        `HTTP could not listen on 127.0.0.1:${port} (--port): listen EADDRINUSE`,
      );
    } finally {
      busy.close();
      await fs.promises.rm(dataDir, { recursive: true, force: true });
    }
  });
});
