/**
 * The collector's work in two classes on a machine whose cores are all busy: ingest (the main
 * thread's inflate, decode and ack; the WAL's write and fsync on its own thread) runs first;
 * background work (the materializer thread, and libuv's pool, where DuckDB's statements and most
 * file calls run) takes what is left. The backlog in between waits in the fsynced WAL.
 *
 * V8's helper threads keep their priority: lowered too, they gained the half-load ack p99 another
 * ~10 ms, but they run the materializer's concurrent garbage collection, and its heap peaked at
 * 178–243 MB instead of 143–161 MB (bench-collector probes, 2026-11-27).
 *
 * Linux lets a thread's nice value be set by its id (the task ids under /proc/self/task); elsewhere
 * this changes nothing. A thread created later by a lowered one (DuckDB's) inherits its value.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The name libuv gives its pool's threads on Linux. */
const POOL_THREAD = 'libuv-worker';

/** Ten steps below the process's own priority (lower is a higher nice value; 19 is the lowest). */
export function backgroundNice(): number {
  return Math.min(19, getPriority(process.pid) + 10);
}

/** Lowers libuv's pool threads (all started by now); returns how many were lowered. */
export function lowerPoolThreads(): number {
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
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== POOL_THREAD) continue;
      setPriority(Number(tid), nice);
      lowered++;
    } catch {
      // The thread ended since the listing, or the system refuses: it keeps its priority.
    }
  }
  return lowered;
}
