/**
 * `parley-snapshot --from DATA --since 24h|all [--until ISO|duration] --out DIR`
 * Exit codes: 0 done, 1 the snapshot could not be made, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { createSnapshot } from './snapshot.ts';
import { MAX_TIME_US } from '@parley/shared/normalizer/time-bounds';
import { parseTimeBound } from './time-range.ts';

const USAGE = `Usage: parley-snapshot --from DATA_DIR --since 24h [--until 2026-11-26T12:00:00Z] --out OUT_DIR

Copies the spans, messages and session summaries whose span started in [since, until) into
OUT_DIR, compacted with a fresh manifest.json, ready for any static file server or object store:
one file per table and partition (hour for spans and messages, day for session summaries), or
for an hour too large to sort at once, one file per range of sessions, in session order.

  --from DIR      data directory written by parley-collector (has manifest.json)
  --since WHEN    start of the range: a duration back from now (30m, 24h, 7d, 2w), an ISO-8601
                  time (2026-11-26T12:00, seconds and a space for the T allowed; UTC unless it
                  has an offset such as Z or +01:00), or all
  --until WHEN    end of the range (exclusive), same forms; default: no end (spans a clock
                  ahead of this machine's dated after now are included, as the viewer's ranges do)
  --out DIR       new or empty directory for the snapshot (missing parents are created)
  -h, --help      show this help`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export async function runCli(argv: string[], io: CliIo, nowMs = Date.now()): Promise<number> {
  let values: { from?: string; since?: string; until?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`parley-snapshot: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const missing = (['from', 'since', 'out'] as const).filter((k) => !values[k]);
  if (missing.length > 0) {
    io.err(`parley-snapshot: missing ${missing.map((k) => `--${k}`).join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const since =
    values.since === 'all' ? { ok: true as const, us: 0 } : parseTimeBound(values.since as string, nowMs);
  if (!since.ok) {
    io.err(`parley-snapshot: --since: ${since.error}`);
    return 2;
  }
  const until =
    values.until === undefined
      ? { ok: true as const, us: MAX_TIME_US + 1 }
      : parseTimeBound(values.until, nowMs);
  if (!until.ok) {
    io.err(`parley-snapshot: --until: ${until.error}`);
    return 2;
  }
  if (until.us <= since.us) {
    io.err('parley-snapshot: --until must be after --since');
    return 2;
  }
  const result = await createSnapshot({
    from: values.from as string,
    out: values.out as string,
    sinceUs: since.us,
    untilUs: until.us,
  });
  if (!result.ok) {
    io.err(`parley-snapshot: ${result.error}`);
    return 1;
  }
  const range = `${values.since === 'all' ? 'the start' : result.since} .. ${values.until === undefined ? 'the end' : result.until}`;
  if (result.rows.spans === 0)
    io.err(
      result.source === null
        ? `parley-snapshot: warning: ${values.from} holds no spans; the snapshot is empty`
        : `parley-snapshot: warning: no span started in ${range}; ${values.from} holds spans from ${result.source.first} to ${result.source.last}`,
    );
  io.out(
    `snapshot of ${range} written to ${values.out}: ` +
      `${result.rows.spans} spans, ${result.rows.messages} messages, ${result.rows.sessions} session rows ` +
      `in ${result.files} files (${result.bytes} bytes)`,
  );
  return 0;
}
