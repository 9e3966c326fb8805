#!/usr/bin/env node
// Runs the TypeScript CLI directly (Node >= 22.18 strips types); see collector/src/snapshot/cli.ts.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `parley-snapshot needs Node >= 22.18 (this is ${process.version}); run it through npx from the repository.\n`,
  );
  process.exit(1);
}
const { runCli } = await import('../src/snapshot/cli.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
