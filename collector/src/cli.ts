/**
 * `parley-collector`: parse flags/env, start, and shut down cleanly on SIGTERM/SIGINT.
 * Exit codes: 0 clean shutdown, 1 runtime failure, 2 bad configuration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConfigError, helpText, parseConfig } from './config.ts';
import { VIEWER_BUILD_HINT } from './http/viewer-route.ts';
import { createLogger } from './log.ts';
import { loadPricer } from './prices.ts';
import { startCollector, type RunningCollector } from './server.ts';
import { createPipeline } from './storage/pipeline.ts';
import { lowerPoolThreads } from './thread-priority.ts';

const defaultViewer = fileURLToPath(new URL('../../viewer/build', import.meta.url));
const isViewerBuilt = (dir: string): boolean => fs.existsSync(path.join(dir, 'index.html'));
const parsed = parseConfig(process.argv.slice(2), process.env, {
  cwd: process.cwd(),
  viewerDir: defaultViewer,
  isViewerBuilt,
});

if (!parsed.ok) {
  process.stderr.write(`parley-collector: ${describeConfigError(parsed.error)}\n`);
  process.exit(2);
}
if ('help' in parsed) {
  process.stdout.write(helpText());
  process.exit(0);
}
const config = parsed.config;
const log = createLogger(config.logLevel);
const prices = await loadPricer(config.pricesFile);
if (!prices.ok) {
  process.stderr.write(`parley-collector: ${prices.error}\n`);
  process.exit(2);
}

// Handlers go in before anything starts, so a signal during start-up still means a clean stop.
let collector: RunningCollector | null = null;
let stopRequested = false;
/**
 * A second signal this soon after the first is the same Ctrl-C delivered twice, not an operator
 * forcing the exit: the terminal signals its whole foreground process group, and a parent such as
 * `npm start`'s forwards the signal to the collector as well.
 */
const REPEAT_MS = 1000;
let firstSignalMs: number | null = null;
const stop = (running: RunningCollector): void => {
  running.close().then(
    () => process.exit(0),
    (error: unknown) => {
      log.log('error', 'shutdown_failed', { error: String(error) });
      process.exit(1);
    },
  );
};
const onSignal = (signal: NodeJS.Signals): void => {
  const now = performance.now();
  if (firstSignalMs !== null) {
    if (now - firstSignalMs < REPEAT_MS) return;
    log.log('warn', 'forced_exit', { signal });
    process.exit(1);
  }
  firstSignalMs = now;
  log.log('info', 'signal', { signal });
  stopRequested = true;
  if (collector !== null) stop(collector);
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

try {
  collector = await startCollector(config, { log, createPipeline });
} catch (error) {
  log.log('error', 'start_failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
// After start-up, once libuv's pool exists (the WAL's files were opened through it).
const lowered = lowerPoolThreads();
log.log('info', 'listening', {
  http_port: collector.httpPort,
  grpc_port: collector.grpcPort,
  data_dir: config.dataDir,
  viewer_dir: config.viewerDir,
  auth: config.token !== null,
  pool_threads_lowered: lowered,
});
if (config.viewerDir !== null && !isViewerBuilt(config.viewerDir)) {
  log.log('warn', 'viewer_not_built', { viewer_dir: config.viewerDir, hint: VIEWER_BUILD_HINT });
}
if (stopRequested) stop(collector);
