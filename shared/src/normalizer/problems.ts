import type { Problem } from '../otlp.ts';

/** Collects problems for one row; serialized into the row's `problems` column. */
export interface ProblemSink {
  add(code: string, message: string, field?: string): void;
  readonly list: Problem[];
}

export function problemSink(): ProblemSink {
  const list: Problem[] = [];
  return {
    list,
    add(code, message, field) {
      list.push(field === undefined ? { code, message } : { code, field, message });
    },
  };
}

export function problemsJson(list: readonly Problem[]): string | null {
  return list.length === 0 ? null : JSON.stringify(list);
}
