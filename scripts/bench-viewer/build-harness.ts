/** Builds the engine harness page with Vite (the same worker and wasm bundling as the app). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export async function buildHarness(outDir: string): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), 'harness');
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    base: './',
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
}
