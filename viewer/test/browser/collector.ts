/**
 * Starts the real collector (collector/src/cli.ts) on a random port with a temp data dir, serving
 * the built viewer at /, and feeds it OTLP bodies over real HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

export interface RunningCollector {
  url: string;
  dataDir: string;
  /** Everything the collector logged so far (JSON lines), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export async function startCollector(): Promise<RunningCollector> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-viewer-test-'));
  const child = spawn(
    process.execPath,
    [
      path.join(repo, 'collector/src/cli.ts'),
      '--port=0',
      '--grpc-port=off',
      '--host=127.0.0.1',
      `--data=${dataDir}`,
      '--flush-interval-ms=200',
    ],
    {
      env: { ...process.env, PARLEY_VIEWER_DIR: path.join(repo, 'viewer/build') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let logs = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (logs += chunk));
  const port = await listeningPort(child);
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    logs: () => logs,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let log = '';
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as { event?: string; http_port?: number };
          if (entry.event === 'listening' && typeof entry.http_port === 'number') resolve(entry.http_port);
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`collector exited (${code}) before listening:\n${log}`)));
  });
}

export async function post(
  base: string,
  route: '/v1/traces' | '/v1/logs',
  body: Uint8Array,
  contentType: string,
  encoding?: string,
) {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (encoding) headers['content-encoding'] = encoding;
  const res = await fetch(`${base}${route}`, { method: 'POST', headers, body: new Uint8Array(body) });
  if (!res.ok) throw new Error(`POST ${route} -> ${res.status}: ${await res.text()}`);
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Waits until everything received is written to Parquet and listed in the manifest. */
export async function waitFlushed(base: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(`${base}/metrics`)).text();
    const received = metric(text, 'parley_spans_received_total');
    const written = metric(text, 'parley_spans_written_total');
    const depth = metric(text, 'parley_queue_depth');
    if (received > 0 && written >= received && depth === 0) {
      const manifest = (await (await fetch(`${base}/data/manifest.json`)).json()) as {
        files: { table: string }[];
      };
      if (manifest.files.some((f) => f.table === 'spans')) return;
    }
    if (Date.now() > deadline) throw new Error(`collector did not flush in time:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
