#!/usr/bin/env node
// Runs the TypeScript CLI directly (Node >= 24 type stripping); see collector/src/snapshot/cli.ts.
import { requireNode } from './require-node.js';

requireNode('parley-snapshot');
const { runCli } = await import('../src/snapshot/cli.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
