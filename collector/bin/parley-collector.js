#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4
// Runs the TypeScript sources directly (Node >= 24 type stripping). Memory settings measured with
// bench-collector (docs/benchmarks.md): a 4 MB young generation, and two malloc arenas where glibc
// would otherwise keep one per thread (receivers, materializer thread, DuckDB, libuv pool).
import '../src/cli.ts';
