/**
 * One collector per data dir: two writers would append to the same WAL segments and replace each
 * other's manifest. The lock is a file naming its holder (pid and, on Linux, the process start
 * time, so a pid reused after a restart, e.g. PID 1 in a container, is not mistaken for the
 * holder). A holder that is gone (kill -9) leaves a stale file, which the next start takes over.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './process-alive.ts';

export interface DirLock {
  release(): Promise<void>;
}

export type LockResult =
  | {
      ok: true;
      lock: DirLock;
      /** A stale lock this start took over (its holder was killed), with the pid it named. */
      takenOver: { pid: number | null } | null;
    }
  | { ok: false; error: string };

/**
 * Tokens of the lock and takeover files this process created or is creating: a file naming this
 * pid is stale unless its token is listed (the token goes in before the file exists, so a
 * concurrent start in this process never mistakes a file being written for a stale one).
 */
const mine = new Set<string>();

/** Field 22 of /proc/<pid>/stat (start time in clock ticks); null where there is no /proc. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count from its closing one
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function identity(pid: number): string {
  return `${pid} ${startTime(pid) ?? '-'}`;
}

/** The holder named by a lock file's text, if it still runs. */
function liveHolder(text: string): number | null {
  const [pidText, started, token] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  if (pid === process.pid) return token !== undefined && mine.has(token) ? pid : null;
  if (!processAlive(pid)) return null;
  const now = startTime(pid);
  return started === undefined || started === '-' || now === null || now === started ? pid : null;
}

/** Creates `path` exclusively, naming this process; its token, or null when the file exists. */
async function create(path: string): Promise<string | null> {
  const token = randomBytes(8).toString('hex');
  mine.add(token);
  try {
    const file = await open(path, 'wx');
    try {
      await file.writeFile(`${identity(process.pid)} ${token}\n`);
    } finally {
      await file.close();
    }
    return token;
  } catch (err) {
    mine.delete(token);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  }
}

/** Polls (a takeover lasts a few file operations) until `path` is gone or `ms` have passed. */
async function waitGone(path: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await readFile(path, 'utf8').catch(() => null)) === null) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Removes the lock file if it still holds `stale`. Takeovers go one at a time through a second
 * exclusive file: otherwise two starts could both judge the same file stale, and the later one
 * remove the lock the earlier one had just created in its place.
 */
async function removeStale(path: string, stale: string): Promise<void> {
  const takeover = `${path}.takeover`;
  const token = await create(takeover);
  if (token !== null) {
    try {
      if ((await readFile(path, 'utf8').catch(() => null)) === stale)
        await unlink(path).catch(() => undefined);
    } finally {
      await unlink(takeover).catch(() => undefined);
      mine.delete(token);
    }
    return;
  }
  const text = await readFile(takeover, 'utf8').catch(() => null);
  if (text === null) return;
  if (liveHolder(text) !== null) return waitGone(takeover, 2000);
  // Left by a start that died amid its own takeover (a window of a few file operations).
  if ((await readFile(takeover, 'utf8').catch(() => null)) === text)
    await unlink(takeover).catch(() => undefined);
}

export async function lockDir(walDir: string, dataDir: string): Promise<LockResult> {
  const path = join(walDir, 'lock');
  let takenOver: { pid: number | null } | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const token = await create(path);
    if (token !== null) {
      return {
        ok: true,
        takenOver,
        lock: {
          async release() {
            await unlink(path).catch(() => undefined);
            mine.delete(token);
          },
        },
      };
    }
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) continue;
    const holder = liveHolder(text);
    if (holder !== null) {
      return {
        ok: false,
        error: `data dir ${dataDir} is in use by process ${holder} (another parley-collector?); stop it or choose another --data`,
      };
    }
    await removeStale(path, text);
    const stalePid = Number(text.trim().split(' ')[0]);
    takenOver = { pid: Number.isSafeInteger(stalePid) && stalePid > 0 ? stalePid : null };
  }
  return { ok: false, error: `data dir ${dataDir}: another process took the lock as this one started` };
}
