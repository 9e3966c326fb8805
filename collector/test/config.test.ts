import { describe, expect, it } from 'vitest';
import { describeConfigError, helpText, parseConfig, SETTINGS } from '../src/config.ts';

const defaults = { cwd: '/srv/app', viewerDir: null, isViewerBuilt: () => true };

describe('parseConfig', () => {
  it('uses the documented defaults', () => {
    const result = parseConfig([], {}, defaults);
    expect(result).toEqual({
      ok: true,
      config: {
        port: 4318,
        grpcPort: 4317,
        host: '0.0.0.0',
        dataDir: '/srv/app/data',
        token: null,
        flushSpans: 20000,
        flushIntervalMs: 5000,
        retentionDays: null,
        maxBodyBytes: 33554432,
        maxBacklogBytes: 1073741824,
        shutdownDrainMs: 10000,
        carryMaxAgeMs: 60000,
        corsOrigins: '*',
        pricesFile: null,
        viewerDir: null,
        logLevel: 'info',
      },
    });
  });

  it('reads every setting from env, and flags win over env', () => {
    const env = {
      PARLEY_PORT: '9000',
      PARLEY_GRPC_PORT: 'off',
      PARLEY_DATA_DIR: '/var/parley',
      PARLEY_TOKEN: 's3cret',
      PARLEY_FLUSH_SPANS: '500',
      PARLEY_FLUSH_INTERVAL_MS: '250',
      PARLEY_RETENTION_DAYS: '7',
      PARLEY_MAX_BODY: '2048',
      PARLEY_MAX_BACKLOG: '2097152',
      PARLEY_SHUTDOWN_DRAIN_MS: '0',
      PARLEY_ROOT_WAIT_MS: '600000',
      PARLEY_CORS_ORIGINS: 'https://a.example/, https://b.example:8443',
      PARLEY_PRICES: 'prices.json',
      PARLEY_VIEWER_DIR: 'dist',
      PARLEY_LOG_LEVEL: 'warn',
    };
    const result = parseConfig(['--port', '9001', '--data=./d'], env, defaults);
    expect(result.ok && 'config' in result && result.config).toEqual({
      port: 9001,
      grpcPort: null,
      host: '0.0.0.0',
      dataDir: '/srv/app/d',
      token: 's3cret',
      flushSpans: 500,
      flushIntervalMs: 250,
      retentionDays: 7,
      maxBodyBytes: 2048,
      maxBacklogBytes: 2097152,
      shutdownDrainMs: 0,
      carryMaxAgeMs: 600000,
      // As browsers send Origin: a trailing slash would never have matched.
      corsOrigins: ['https://a.example', 'https://b.example:8443'],
      pricesFile: '/srv/app/prices.json',
      viewerDir: '/srv/app/dist',
      logLevel: 'warn',
    });
  });

  it('accepts 0 for random ports', () => {
    const result = parseConfig(['--port', '0', '--grpc-port', '0'], {}, defaults);
    expect(result.ok && 'config' in result && [result.config.port, result.config.grpcPort]).toEqual([0, 0]);
  });

  it('returns typed errors for bad input', () => {
    expect(parseConfig(['--prot', '1'], {}, defaults)).toEqual({
      ok: false,
      error: { kind: 'unknown_flag', flag: '--prot' },
    });
    expect(parseConfig(['--port'], {}, defaults)).toEqual({
      ok: false,
      error: { kind: 'missing_value', flag: '--port' },
    });
    const bad = parseConfig([], { PARLEY_PORT: '70000' }, defaults);
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid_number', value: '70000' } });
    expect(parseConfig([], { PARLEY_MAX_BODY: '12kb' }, defaults)).toMatchObject({
      ok: false,
      error: { kind: 'invalid_number' },
    });
    // A backlog below one MiB would refuse any sizeable batch while the previous one is written.
    expect(parseConfig(['--max-backlog', '65536'], {}, defaults)).toMatchObject({
      ok: false,
      error: { kind: 'invalid_number', value: '65536' },
    });
    expect(parseConfig(['--shutdown-drain-ms', '-5'], {}, defaults)).toMatchObject({
      ok: false,
      error: { kind: 'invalid_number', value: '-5' },
    });
    expect(parseConfig(['--root-wait-ms', '1m'], {}, defaults)).toMatchObject({
      ok: false,
      error: { kind: 'invalid_number', name: '--root-wait-ms / PARLEY_ROOT_WAIT_MS', value: '1m' },
    });
    expect(parseConfig([], { PARLEY_FLUSH_SPANS: '0' }, defaults)).toMatchObject({
      ok: false,
      error: { kind: 'invalid_number' },
    });
    for (const notAnOrigin of ['a.example', 'https://a.example/app', 'file:///tmp']) {
      const origin = parseConfig(['--cors-origins', `https://ok.example,${notAnOrigin}`], {}, defaults);
      expect(origin).toMatchObject({ ok: false, error: { kind: 'invalid_origin', value: notAnOrigin } });
      if (!origin.ok) expect(describeConfigError(origin.error)).toContain('is not an origin');
    }
    const clash = parseConfig(['--port', '6340', '--grpc-port', '6340'], {}, defaults);
    expect(clash).toEqual({ ok: false, error: { kind: 'same_port', port: 6340 } });
    if (!clash.ok) expect(describeConfigError(clash.error)).toContain('need a port each');
    expect(parseConfig(['--port', '0', '--grpc-port', '0'], {}, defaults).ok).toBe(true);
    const level = parseConfig(['--log-level', 'loud'], {}, defaults);
    expect(level).toMatchObject({ ok: false, error: { kind: 'invalid_choice', value: 'loud' } });
    if (!level.ok) expect(describeConfigError(level.error)).toContain('debug, info, warn, error');
    if (!bad.ok)
      expect(describeConfigError(bad.error)).toBe(
        '--port / PARLEY_PORT must be an integer from 0 to 65535, got "70000"',
      );
  });

  it('refuses a token no sender can present: whitespace or control characters', () => {
    // A Kubernetes secret made from a file keeps the file's newline; senders send the token without it.
    const newline = parseConfig([], { PARLEY_TOKEN: 's3cret\n' }, defaults);
    expect(newline).toEqual({ ok: false, error: { kind: 'unsendable_token', index: 6, char: '\n' } });
    if (!newline.ok)
      expect(describeConfigError(newline.error)).toBe(
        '--token / PARLEY_TOKEN has "\\n" at character 7 (a secret file\'s trailing newline?): a bearer token cannot hold whitespace or control characters, so every sender would get 401',
      );
    expect(parseConfig(['--token', 'two words'], {}, defaults)).toMatchObject({
      ok: false,
      error: { kind: 'unsendable_token', index: 3, char: ' ' },
    });
    expect(parseConfig(['--token=\u0000x'], {}, defaults)).toMatchObject({
      error: { kind: 'unsendable_token', index: 0 },
    });
    const fine = parseConfig(['--token', 'A-z0_9.~+/=:!'], {}, defaults);
    expect(fine.ok && 'config' in fine && fine.config.token).toBe('A-z0_9.~+/=:!');
  });

  it('refuses an empty token, from the flag or the environment', () => {
    const empty = { ok: false, error: { kind: 'empty_token' } };
    // Set but empty, as `PARLEY_TOKEN=$(cat /run/secrets/missing)` leaves it: not "no auth".
    expect(parseConfig([], { PARLEY_TOKEN: '' }, defaults)).toEqual(empty);
    expect(parseConfig(['--token='], {}, defaults)).toEqual(empty);
    expect(parseConfig(['--token', ''], {}, defaults)).toEqual(empty);
    expect(describeConfigError({ kind: 'empty_token' })).toMatch(/^--token \/ PARLEY_TOKEN is empty/);
    // The flag still wins over the variable, and other empty variables still read as unset.
    const flagged = parseConfig(['--token', 't0k'], { PARLEY_TOKEN: '' }, defaults);
    expect(flagged.ok && 'config' in flagged && flagged.config.token).toBe('t0k');
    const unset = parseConfig([], { PARLEY_PORT: '', PARLEY_DATA_DIR: '' }, defaults);
    expect(unset.ok && 'config' in unset && [unset.config.port, unset.config.dataDir]).toEqual([
      4318,
      '/srv/app/data',
    ]);
  });

  it('does not take the next flag, or nothing, as a value', () => {
    const cases: [string[], string][] = [
      [['--data', '--port', '0'], '--data'],
      [['--port', '--data', '/x'], '--port'],
      [['--data', '-h'], '--data'],
      [['--data='], '--data'],
      [['--host', ''], '--host'],
    ];
    for (const [argv, flag] of cases) {
      const result = parseConfig(argv, {}, defaults);
      expect(result).toEqual({ ok: false, error: { kind: 'missing_value', flag } });
      if (!result.ok) expect(describeConfigError(result.error)).toBe(`option ${flag} needs a value`);
    }
    // The = form is how a value that starts with -- is given; a negative number is still a value.
    const eq = parseConfig(['--data=--odd-name'], {}, defaults);
    expect(eq.ok && 'config' in eq && eq.config.dataDir).toBe('/srv/app/--odd-name');
    expect(parseConfig(['--shutdown-drain-ms', '-5'], {}, defaults)).toMatchObject({
      error: { kind: 'invalid_number' },
    });
  });

  it('refuses a named viewer directory without a build, and keeps an unbuilt default', () => {
    const built = new Set(['/srv/app/viewer/build']);
    const withBuild = {
      ...defaults,
      viewerDir: '/repo/viewer/build',
      isViewerBuilt: (d: string) => built.has(d),
    };
    for (const [argv, env] of [
      [['--viewer-dir', '/nonexistent'], {}],
      [['--viewer-dir', 'viewer'], {}],
      [[], { PARLEY_VIEWER_DIR: '/nonexistent' }],
    ] as [string[], Record<string, string>][]) {
      const result = parseConfig(argv, env, withBuild);
      expect(result).toMatchObject({ ok: false, error: { kind: 'viewer_not_built' } });
      if (!result.ok) {
        const message = describeConfigError(result.error);
        expect(message).toContain('has no index.html');
        expect(message).toContain('npm run build -w @parley/viewer');
      }
    }
    const named = parseConfig(['--viewer-dir', 'viewer/build'], {}, withBuild);
    expect(named.ok && 'config' in named && named.config.viewerDir).toBe('/srv/app/viewer/build');
    // The default is not checked: the route answers / with how to build it.
    const fallback = parseConfig([], {}, withBuild);
    expect(fallback.ok && 'config' in fallback && fallback.config.viewerDir).toBe('/repo/viewer/build');
  });

  it('says in --help what a full backlog answers', () => {
    expect(helpText()).toContain('HTTP 429 with Retry-After (gRPC UNAVAILABLE)');
    expect(helpText()).not.toContain('429/503');
  });

  it('asks for help', () => {
    expect(parseConfig(['--help'], {}, defaults)).toEqual({ ok: true, help: true });
    for (const setting of Object.values(SETTINGS)) expect(helpText()).toContain(setting.env);
  });
});
