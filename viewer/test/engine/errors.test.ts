import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { classifyFetchFailure, isCrossOrigin, toEngineError } from '../../src/lib/engine/errors.ts';

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/data/manifest.json`;
}

async function fetchError(url: string): Promise<unknown> {
  try {
    await fetch(url);
    return null;
  } catch (err) {
    return err;
  }
}

describe('fetch failure classification', () => {
  it('calls a failed cross-origin fetch a CORS problem and a same-origin one unreachable', async () => {
    const url = await closedPortUrl();
    const err = await fetchError(url);
    expect(err).toBeInstanceOf(TypeError);
    expect(classifyFetchFailure(err, url, 'http://localhost:5173').kind).toBe('cors');
    expect(classifyFetchFailure(err, url, new URL(url).origin).kind).toBe('unreachable');
  });

  it('compares origins, not hosts', () => {
    expect(isCrossOrigin('/data/manifest.json', 'http://127.0.0.1:8080')).toBe(false);
    expect(isCrossOrigin('http://127.0.0.1:8081/x', 'http://127.0.0.1:8080')).toBe(true);
  });
});

describe('errors thrown while querying', () => {
  const files = [
    { path: '0/huge-spans.parquet', bytes: 67_400_000 },
    { path: '1/tiny.parquet', bytes: 9_000 },
  ];

  it('calls a WebAssembly trap or a failed allocation running out of memory, naming the largest file', () => {
    for (const err of [
      new WebAssembly.RuntimeError('unreachable'),
      new Error('unreachable'),
      new Error('Out of Memory Error: could not allocate block of size 256.0 KiB'),
      new RangeError('Array buffer allocation failed'),
    ]) {
      const e = toEngineError(err, files);
      expect(e.kind).toBe('out-of-memory');
      expect(e.message).toContain('Its largest file, huge-spans.parquet, is 67 MB.');
    }
  });

  it('leaves other failures query failures', () => {
    const e = toEngineError(new Error('Binder Error: column "unreachable" not found'), files);
    expect(e).toEqual({ kind: 'query-failed', message: 'Binder Error: column "unreachable" not found' });
  });
});
