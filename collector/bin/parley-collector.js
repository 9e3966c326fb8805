#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// Runs the TypeScript sources directly (Node >= 24 type stripping). Memory settings measured with
// bench-collector (docs/benchmarks.md): 16 MB semi-spaces, so a WAL record's decoded spans die
// young instead of being promoted (4 MB cost 10 % more CPU and a 50 % larger materializer heap),
// and two malloc arenas where glibc would otherwise keep one per thread (receivers, materializer
// thread, DuckDB, libuv pool).
import { requireNode } from './require-node.js';

requireNode('parley-collector');
await import('../src/cli.ts');
