/**
 * Builds the viewer before the browser tests when viewer/build is missing or older than any
 * source file it is built from (the viewer's own src and the shared modules it imports).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const viewerDir = fileURLToPath(new URL('../..', import.meta.url));
const sharedSrc = path.join(viewerDir, '../shared/src');
const builtIndex = path.join(viewerDir, 'build/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const sources = Math.max(
    newestMtime(path.join(viewerDir, 'src')),
    newestMtime(sharedSrc),
    fs.statSync(path.join(viewerDir, 'vite.config.ts')).mtimeMs,
  );
  const built = fs.existsSync(builtIndex) ? fs.statSync(builtIndex).mtimeMs : 0;
  if (built >= sources) return;
  const vite = path.join(viewerDir, '../node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: viewerDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`viewer build failed (exit ${result.status})`);
}
