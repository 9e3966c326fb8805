/**
 * Collector configuration from flags and environment. Pure: takes argv and env, returns a typed
 * result, so every rule is testable without starting anything. Flags win over env.
 */
import path from 'node:path';
import type { LogLevel } from './log.ts';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface CollectorConfig {
  port: number;
  /** null disables gRPC; 0 picks a random port. */
  grpcPort: number | null;
  /** Host to bind; loopback-only deployments can set 127.0.0.1. */
  host: string;
  dataDir: string;
  token: string | null;
  flushSpans: number;
  flushIntervalMs: number;
  retentionDays: number | null;
  /** Largest accepted request body, measured after decompression. */
  maxBodyBytes: number;
  /** WAL bytes acknowledged but not yet in Parquet above which ingest is refused (429/503). */
  maxBacklogBytes: number;
  /** How long shutdown keeps writing Parquet; what is left stays in the WAL for the next start. */
  shutdownDrainMs: number;
  /** How long a span without a session waits for its trace's root (which may carry it). */
  carryMaxAgeMs: number;
  /** '*' or an explicit list of origins allowed to read /data. */
  corsOrigins: '*' | string[];
  pricesFile: string | null;
  viewerDir: string | null;
  logLevel: LogLevel;
}

export type ConfigError =
  | { kind: 'unknown_flag'; flag: string }
  | { kind: 'missing_value'; flag: string }
  | { kind: 'empty_token' }
  | { kind: 'unsendable_token'; index: number; char: string }
  | { kind: 'viewer_not_built'; dir: string }
  | { kind: 'invalid_number'; name: string; value: string; rule: string }
  | { kind: 'invalid_choice'; name: string; value: string; choices: readonly string[] }
  | { kind: 'invalid_origin'; name: string; value: string }
  | { kind: 'same_port'; port: number };

export type ConfigResult =
  { ok: true; config: CollectorConfig } | { ok: true; help: true } | { ok: false; error: ConfigError };

interface Setting {
  flag: string;
  env: string;
  description: string;
  default: string;
}

/** The single table behind parsing, `--help` and the README. */
export const SETTINGS = {
  port: {
    flag: '--port',
    env: 'PARLEY_PORT',
    default: '4318',
    description: 'OTLP/HTTP, data and viewer port (0 = random).',
  },
  grpcPort: {
    flag: '--grpc-port',
    env: 'PARLEY_GRPC_PORT',
    default: '4317',
    description: "OTLP/gRPC port (0 = random, 'off' disables).",
  },
  host: { flag: '--host', env: 'PARLEY_HOST', default: '0.0.0.0', description: 'Interface to bind.' },
  dataDir: {
    flag: '--data',
    env: 'PARLEY_DATA_DIR',
    default: './data',
    description: 'Data directory (WAL, Parquet, manifest).',
  },
  token: {
    flag: '--token',
    env: 'PARLEY_TOKEN',
    default: '(none)',
    description: 'Bearer token required on ingest (HTTP and gRPC).',
  },
  flushSpans: {
    flag: '--flush-spans',
    env: 'PARLEY_FLUSH_SPANS',
    default: '20000',
    description: 'Write Parquet once this many rows (spans + messages) are pending.',
  },
  flushIntervalMs: {
    flag: '--flush-interval-ms',
    env: 'PARLEY_FLUSH_INTERVAL_MS',
    default: '5000',
    description: 'Write Parquet at least this often while data is pending.',
  },
  retentionDays: {
    flag: '--retention-days',
    env: 'PARLEY_RETENTION_DAYS',
    default: '(keep all)',
    description: 'Delete partitions older than this many days.',
  },
  maxBodyBytes: {
    flag: '--max-body',
    env: 'PARLEY_MAX_BODY',
    default: '33554432',
    description: 'Max request size in bytes, after decompression.',
  },
  maxBacklogBytes: {
    flag: '--max-backlog',
    env: 'PARLEY_MAX_BACKLOG',
    default: '1073741824',
    description:
      'Bytes of acknowledged requests not yet in Parquet (kept on disk in the WAL) above which ingest answers HTTP 429 with Retry-After (gRPC UNAVAILABLE).',
  },
  shutdownDrainMs: {
    flag: '--shutdown-drain-ms',
    env: 'PARLEY_SHUTDOWN_DRAIN_MS',
    default: '10000',
    description:
      'On SIGTERM/SIGINT, write Parquet for at most this long; the rest is written at the next start.',
  },
  carryMaxAgeMs: {
    flag: '--root-wait-ms',
    env: 'PARLEY_ROOT_WAIT_MS',
    default: '60000',
    description:
      "How long a span without a session id waits for its trace's root span, which may carry it (agent runs end their root last). Raise it for longer runs; waiting rows are re-read at every flush.",
  },
  corsOrigins: {
    flag: '--cors-origins',
    env: 'PARLEY_CORS_ORIGINS',
    default: '*',
    description: "Comma-separated origins allowed to read /data, or '*'.",
  },
  pricesFile: {
    flag: '--prices',
    env: 'PARLEY_PRICES',
    default: '(none)',
    description: 'Price override file (JSON).',
  },
  logLevel: {
    flag: '--log-level',
    env: 'PARLEY_LOG_LEVEL',
    default: 'info',
    description: 'debug, info, warn or error.',
  },
  viewerDir: {
    flag: '--viewer-dir',
    env: 'PARLEY_VIEWER_DIR',
    default: 'viewer/build',
    description:
      'Built viewer served at / (npm start builds it; or npm run build -w @parley/viewer). A given directory must hold index.html.',
  },
} as const satisfies Record<keyof CollectorConfig, Setting>;

type Key = keyof typeof SETTINGS;

export interface ConfigDefaults {
  /** Served at / unless --viewer-dir says otherwise; may not be built yet (the route says so). */
  viewerDir: string | null;
  cwd: string;
  /** Whether a directory holds a built viewer; only asked of a directory the operator named. */
  isViewerBuilt: (dir: string) => boolean;
}

export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  defaults: ConfigDefaults,
): ConfigResult {
  const raw: Partial<Record<Key, string>> = {};
  for (const key of Object.keys(SETTINGS) as Key[]) {
    const value = env[SETTINGS[key].env];
    // An empty variable reads as unset, except the token: `PARLEY_TOKEN=$(cat missing-secret)`
    // would otherwise start a collector that takes data from anyone.
    if (value !== undefined && (value !== '' || key === 'token')) raw[key] = value;
  }
  const byFlag = new Map<string, Key>((Object.keys(SETTINGS) as Key[]).map((k) => [SETTINGS[k].flag, k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { ok: true, help: true };
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = byFlag.get(flag);
    if (key === undefined) return { ok: false, error: { kind: 'unknown_flag', flag: arg } };
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // `--data --port 0` would take `--port` as the data dir and then call `0` an unknown option.
      if (value !== undefined && (value.startsWith('--') || value === '-h')) value = undefined;
      i++;
    }
    if (value === undefined || (value === '' && key !== 'token'))
      return { ok: false, error: { kind: 'missing_value', flag } };
    raw[key] = value;
  }
  // An empty --token would lock every sender out; an empty PARLEY_TOKEN let every sender in.
  if (raw.token === '') return { ok: false, error: { kind: 'empty_token' } };
  // A sender's `Authorization: Bearer <token>` cannot carry whitespace or control characters, so
  // such a token (often a secret file's trailing newline) would answer every request 401.
  const unsendable = raw.token?.search(/[\s\p{Cc}]/u) ?? -1;
  if (unsendable !== -1) {
    const char = (raw.token as string).charAt(unsendable);
    return { ok: false, error: { kind: 'unsendable_token', index: unsendable, char } };
  }

  const ints: Record<string, number | null> = {};
  const intRules: [Key, number, number | null][] = [
    ['port', 0, 65535],
    ['flushSpans', 1, null],
    ['flushIntervalMs', 1, null],
    ['maxBodyBytes', 1024, null],
    ['maxBacklogBytes', 1024 * 1024, null],
    ['shutdownDrainMs', 0, null],
    ['carryMaxAgeMs', 0, null],
    ['retentionDays', 1, null],
  ];
  for (const [key, min, max] of intRules) {
    const value = raw[key];
    if (value === undefined) {
      ints[key] = key === 'retentionDays' ? null : Number(SETTINGS[key].default);
      continue;
    }
    const n = parseInteger(value, min, max);
    if (n === null) return { ok: false, error: invalidNumber(key, value, min, max) };
    ints[key] = n;
  }

  let grpcPort: number | null = Number(SETTINGS.grpcPort.default);
  if (raw.grpcPort !== undefined) {
    if (raw.grpcPort === 'off') grpcPort = null;
    else {
      grpcPort = parseInteger(raw.grpcPort, 0, 65535);
      if (grpcPort === null) return { ok: false, error: invalidNumber('grpcPort', raw.grpcPort, 0, 65535) };
    }
  }

  // Both would bind it and the second fail with EADDRINUSE, naming neither flag.
  if (grpcPort !== null && grpcPort !== 0 && grpcPort === ints.port)
    return { ok: false, error: { kind: 'same_port', port: grpcPort } };

  const logLevel = raw.logLevel ?? 'info';
  if (!isLogLevel(logLevel)) {
    const name = `${SETTINGS.logLevel.flag} / ${SETTINGS.logLevel.env}`;
    return { ok: false, error: { kind: 'invalid_choice', name, value: logLevel, choices: LOG_LEVELS } };
  }

  const corsRaw = raw.corsOrigins ?? '*';
  const listed = corsRaw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const origins: string[] = [];
  for (const value of listed) {
    const origin = value === '*' ? value : originOf(value);
    if (origin === null) {
      const name = `${SETTINGS.corsOrigins.flag} / ${SETTINGS.corsOrigins.env}`;
      return { ok: false, error: { kind: 'invalid_origin', name, value } };
    }
    origins.push(origin);
  }
  const corsOrigins = origins.length === 0 || origins.includes('*') ? '*' : origins;

  const resolve = (p: string): string => path.resolve(defaults.cwd, p);
  // A named directory without a build is a mistake (a typo, `viewer` for `viewer/build`); the
  // default one not built yet is the usual state of a fresh checkout, and / says how to build it.
  const viewerDir = raw.viewerDir === undefined ? defaults.viewerDir : resolve(raw.viewerDir);
  if (raw.viewerDir !== undefined && viewerDir !== null && !defaults.isViewerBuilt(viewerDir))
    return { ok: false, error: { kind: 'viewer_not_built', dir: viewerDir } };
  return {
    ok: true,
    config: {
      port: ints.port as number,
      grpcPort,
      host: raw.host ?? SETTINGS.host.default,
      dataDir: resolve(raw.dataDir ?? SETTINGS.dataDir.default),
      token: raw.token ?? null,
      flushSpans: ints.flushSpans as number,
      flushIntervalMs: ints.flushIntervalMs as number,
      retentionDays: ints.retentionDays ?? null,
      maxBodyBytes: ints.maxBodyBytes as number,
      maxBacklogBytes: ints.maxBacklogBytes as number,
      shutdownDrainMs: ints.shutdownDrainMs as number,
      carryMaxAgeMs: ints.carryMaxAgeMs as number,
      corsOrigins,
      pricesFile: raw.pricesFile === undefined ? null : resolve(raw.pricesFile),
      viewerDir,
      logLevel,
    },
  };
}

/**
 * An origin as browsers send it (scheme, host, port; no path): `http://a.example/` would be kept
 * as written and never equal an Origin header, so it is normalized; one with a path is refused.
 */
function originOf(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
  return bare && url.origin !== 'null' ? url.origin : null;
}

function parseInteger(value: string, min: number, max: number | null): number | null {
  if (!/^\d+$/.test(value)) return null;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || (max !== null && n > max)) return null;
  return n;
}

function invalidNumber(key: Key, value: string, min: number, max: number | null): ConfigError {
  const rule = max === null ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return { kind: 'invalid_number', name: `${SETTINGS[key].flag} / ${SETTINGS[key].env}`, value, rule };
}

export function describeConfigError(error: ConfigError): string {
  switch (error.kind) {
    case 'unknown_flag':
      return `unknown option ${error.flag} (see --help)`;
    case 'missing_value':
      return `option ${error.flag} needs a value`;
    case 'empty_token':
      return '--token / PARLEY_TOKEN is empty: give the token senders use, or leave both unset for no auth';
    case 'unsendable_token':
      return `--token / PARLEY_TOKEN has ${JSON.stringify(error.char)} at character ${error.index + 1} (a secret file's trailing newline?): a bearer token cannot hold whitespace or control characters, so every sender would get 401`;
    case 'viewer_not_built':
      return `--viewer-dir / PARLEY_VIEWER_DIR: ${error.dir} has no index.html (not a built viewer): build it with npm run build -w @parley/viewer (npm start does) and give its build directory`;
    case 'invalid_number':
      return `${error.name} must be ${error.rule}, got ${JSON.stringify(error.value)}`;
    case 'invalid_choice':
      return `${error.name} must be one of ${error.choices.join(', ')}, got ${JSON.stringify(error.value)}`;
    case 'same_port':
      return `--port and --grpc-port are both ${error.port}: OTLP/HTTP and OTLP/gRPC need a port each (4318 and 4317 by default)`;
    case 'invalid_origin':
      return `${error.name}: ${JSON.stringify(error.value)} is not an origin (scheme://host[:port], as a browser sends it)`;
  }
}

export function helpText(): string {
  const rows = (Object.keys(SETTINGS) as Key[]).map((k) => {
    const s = SETTINGS[k];
    return `  ${`${s.flag} <value>`.padEnd(29)}${s.env.padEnd(26)}${s.description} Default: ${s.default}.`;
  });
  return ['Usage: parley-collector [options]', '', '  Flag                         Env', ...rows, ''].join(
    '\n',
  );
}
