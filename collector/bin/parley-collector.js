#!/usr/bin/env node
// Runs the TypeScript sources directly (Node >= 24 type stripping).
import '../src/cli.ts';
