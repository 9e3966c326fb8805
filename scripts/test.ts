/**
 * `npm test`: formatting, typecheck, lint, then every package's tests (unit, integration, browser) through
 * turbo, one package at a time (CI has 2 cores and the browser and crash tests want them). Ends
 * with one "N passed, N failed" line summed over all packages' vitest JSON reports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packages = ['shared', 'test-data', 'collector', 'viewer'];
const reportName = 'test-results.json';

function run(command: string, args: string[]): number {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

function readReport(pkg: string): VitestReport | null {
  const file = join(root, pkg, reportName);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
}

for (const pkg of packages) rmSync(join(root, pkg, reportName), { force: true });

const format = run('prettier', ['--check', '--log-level=warn', '.']);
// Scripts live outside the workspaces: typecheck each of their projects here.
const scriptProjects = [
  'scripts',
  ...readdirSync(join(root, 'scripts'))
    .filter((dir) => dir.startsWith('bench-'))
    .map((dir) => join('scripts', dir)),
];
const scriptsOk = scriptProjects
  .map((project) => run('tsc', ['-p', project]))
  .every((status) => status === 0);
const checks = run('turbo', ['run', 'typecheck', 'lint', '--concurrency=2', '--output-logs=errors-only']);
const tests = run('turbo', [
  'run',
  'test',
  '--concurrency=1',
  '--continue',
  '--',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${reportName}`,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of packages) {
  const report = readReport(pkg);
  if (!report) {
    console.error(`parley: no test report from ${pkg}`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
if (format !== 0) console.error('parley: formatting differs from prettier (run: npx prettier --write .)');
if (checks !== 0 || !scriptsOk) console.error('parley: typecheck or lint failed');
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(format !== 0 || !scriptsOk || checks !== 0 || tests !== 0 || failed > 0 ? 1 : 0);
