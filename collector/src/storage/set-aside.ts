/**
 * Spans or log records the normalizer threw on. A throw is a bug in Parley, and the same record
 * is read again at every flush: one poisoned trace stalled the WAL, and everything behind it, for
 * good. Its trace is set aside instead, in `_wal/set-aside/` (never served), as the decoded OTLP
 * items with the error, so a fixed version can be fed them again; the rest of the group is
 * written. The file is named by the record's place in the WAL and the trace, so replaying that
 * record after a crash rewrites the same file rather than adding one.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './durable-fs.ts';

export const SET_ASIDE_DIR = 'set-aside';

export interface SetAside {
  signal: 'traces' | 'logs';
  traceId: string;
  /** Request order of the WAL record (see requestOrder). */
  rq: number;
  error: string;
  items: readonly unknown[];
}

function itemsJson(items: readonly unknown[]): string {
  try {
    return JSON.stringify(items);
  } catch (err) {
    // What made the normalizer throw may make this throw too; the WAL record still holds them.
    return JSON.stringify({ unserializable: (err as Error).message, count: items.length });
  }
}

/** Writes the set-aside traces durably; returns their paths. */
export async function writeSetAside(walDir: string, traces: readonly SetAside[]): Promise<string[]> {
  if (traces.length === 0) return [];
  const dir = join(walDir, SET_ASIDE_DIR);
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const t of traces) {
    // Decoded ids are lowercase hex; anything else would not reach a file name.
    const trace = /^[0-9a-f]{1,64}$/.test(t.traceId) ? t.traceId : 'no-trace';
    const path = join(dir, `${t.rq}-${trace}.${t.signal}.json`);
    const meta = JSON.stringify({ signal: t.signal, trace_id: t.traceId, error: t.error });
    await writeFileAtomic(path, `${meta.slice(0, -1)},"items":${itemsJson(t.items)}}\n`);
    paths.push(path);
  }
  return paths;
}
