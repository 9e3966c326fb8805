/**
 * One collector per data dir: two writers would append to the same WAL segments and replace each
 * other's manifest. The lock is a file naming its holder (pid and, on Linux, the process start
 * time, so a pid reused after a restart, e.g. PID 1 in a container, is not mistaken for the
 * holder). A holder that is gone (kill -9) leaves a stale file, which the next start takes over.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './process-alive.ts';

export interface DirLock {
  release(): Promise<void>;
}

export type LockResult = { ok: true; lock: DirLock } | { ok: false; error: string };

/** Lock files this process holds: its own pid in a lock file is stale unless listed here. */
const held = new Set<string>();

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
function liveHolder(path: string, text: string): number | null {
  const [pidText, started] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  if (pid === process.pid) return held.has(path) ? pid : null;
  if (!processAlive(pid)) return null;
  const now = startTime(pid);
  return started === undefined || started === '-' || now === null || now === started ? pid : null;
}

async function create(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'wx');
    try {
      await file.writeFile(`${identity(process.pid)}\n`);
    } finally {
      await file.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export async function lockDir(walDir: string, dataDir: string): Promise<LockResult> {
  const path = join(walDir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await create(path)) {
      held.add(path);
      return {
        ok: true,
        lock: {
          async release() {
            held.delete(path);
            await unlink(path).catch(() => undefined);
          },
        },
      };
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    const holder = liveHolder(path, text);
    if (holder !== null) {
      return {
        ok: false,
        error: `data dir ${dataDir} is in use by process ${holder} (another parley-collector?); stop it or choose another --data`,
      };
    }
    // Stale: removed (if unchanged since read), then created exclusively again. Two starts racing
    // for the same stale file within this window could both win; that needs flock, which Node lacks.
    const again = await readFile(path, 'utf8').catch(() => null);
    if (again === text) await unlink(path).catch(() => undefined);
  }
  return { ok: false, error: `data dir ${dataDir}: another process took the lock as this one started` };
}
