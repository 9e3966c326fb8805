import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTree } from './durable-fs.ts';

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the directories in `parent` that a process named after its pid (`pidOf` reads it from
 * a name, null for other names) and left behind when it was killed: their process is gone.
 */
export async function removeDirsOfGoneProcesses(
  parent: string,
  pidOf: (name: string) => number | null,
): Promise<void> {
  for (const name of await readdir(parent)) {
    const pid = pidOf(name);
    if (pid !== null && Number.isSafeInteger(pid) && pid > 0 && !processAlive(pid))
      await removeTree(join(parent, name));
  }
}
