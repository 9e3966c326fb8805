/**
 * The collector's work in two classes on a machine whose cores are all busy: ingest (the main
 * thread's decode and ack, the WAL's write and fsync on its own thread) runs first; background
 * work (libuv's pool, where DuckDB's statements and most file calls run, and V8's helper threads,
 * whose garbage collection is mostly the materializer's) takes what is left, as the materializer
 * thread already does. The backlog in between waits in the fsynced WAL.
 *
 * Linux lets a thread's nice value be set by its id (the task ids under /proc/self/task); elsewhere
 * this changes nothing. A thread created later by a lowered one (DuckDB's) inherits its value.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Thread names Node and V8 give their background threads on Linux. */
const BACKGROUND = new Set(['libuv-worker', 'V8Worker']);

/** Ten steps below the process's own priority (lower is a higher nice value; 19 is the lowest). */
export function backgroundNice(): number {
  return Math.min(19, getPriority(process.pid) + 10);
}

/** Lowers the background threads that exist now; returns how many were lowered. */
export function lowerBackgroundThreads(): number {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  const nice = backgroundNice();
  let lowered = 0;
  for (const tid of tasks) {
    try {
      if (!BACKGROUND.has(readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim())) continue;
      setPriority(Number(tid), nice);
      lowered++;
    } catch {
      // The thread ended since the listing, or the system refuses: it keeps its priority.
    }
  }
  return lowered;
}
