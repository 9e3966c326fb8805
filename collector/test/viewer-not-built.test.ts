/**
 * The viewer route when its directory holds no build: the default viewer/build of a fresh checkout.
 * `/` must say how to build it, never redirect to itself.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from './helpers/collector.ts';
import { tempDir } from './helpers/http.ts';

describe('the viewer route before the viewer is built', () => {
  let collector: TestCollector;
  let viewerDir: string;
  beforeAll(async () => {
    viewerDir = await tempDir('parley-viewer-unbuilt-');
    collector = await startTestCollector({ viewerDir, grpcPort: null });
  });
  afterAll(async () => {
    await collector.close();
    await fs.rm(viewerDir, { recursive: true, force: true });
    await fs.rm(collector.dataDir, { recursive: true, force: true });
  });

  it('answers / and page paths with a 404 page that says how to build the viewer', async () => {
    for (const target of ['/', '/?t=all', '/sessions/abc']) {
      const reply = await fetch(`${collector.url}${target}`, { redirect: 'manual' });
      expect([target, reply.status]).toEqual([target, 404]);
      expect(reply.headers.get('content-type')).toContain('text/html');
      const page = await reply.text();
      expect(page).toContain('viewer is not built');
      expect(page).toContain('npm run build -w @parley/viewer');
      expect(page).toContain('npm start');
    }
  });

  it('serves the viewer once it is built, without a restart', async () => {
    await fs.writeFile(path.join(viewerDir, 'index.html'), '<!doctype html><title>Parley</title>');
    const page = await fetch(`${collector.url}/`, { redirect: 'manual' });
    expect([page.status, await page.text()]).toEqual([200, '<!doctype html><title>Parley</title>']);
    const deep = await fetch(`${collector.url}/sessions/abc?x=1`, { redirect: 'manual' });
    expect([deep.status, deep.headers.get('location')]).toEqual([302, '/?x=1']);
  });

  it('does not redirect / to itself when the page cannot be served', async () => {
    // index.html present but not a file: express.static passes / on to the fallback.
    await fs.rm(path.join(viewerDir, 'index.html'));
    await fs.mkdir(path.join(viewerDir, 'index.html'));
    const reply = await fetch(`${collector.url}/`, { redirect: 'manual' });
    expect(reply.status).toBe(404);
    expect(reply.headers.get('location')).toBeNull();
  });
});
