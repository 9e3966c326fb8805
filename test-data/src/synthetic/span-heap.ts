/** A min-heap of spans by end time (ties in insertion order): SDKs export a span when it ends. */
import type { OtlpSpan } from '@parley/shared/otlp';

interface Entry {
  span: OtlpSpan;
  seq: number;
}

export interface SpanHeap {
  push(span: OtlpSpan): void;
  /** The earliest-ending span, or undefined when empty. */
  peek(): OtlpSpan | undefined;
  pop(): OtlpSpan | undefined;
  readonly size: number;
}

function before(a: Entry, b: Entry): boolean {
  return a.span.endTimeUs < b.span.endTimeUs || (a.span.endTimeUs === b.span.endTimeUs && a.seq < b.seq);
}

export function createSpanHeap(): SpanHeap {
  const items: Entry[] = [];
  let seq = 0;
  return {
    get size() {
      return items.length;
    },
    push(span) {
      const entry = { span, seq: seq++ };
      let i = items.push(entry) - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(entry, items[parent]!)) break;
        items[i] = items[parent]!;
        i = parent;
      }
      items[i] = entry;
    },
    peek() {
      return items[0]?.span;
    },
    pop() {
      const top = items[0];
      const last = items.pop();
      if (!top || !last || items.length === 0) return top?.span;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= items.length) break;
        const r = l + 1;
        const child = r < items.length && before(items[r]!, items[l]!) ? r : l;
        if (!before(items[child]!, last)) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
      return top.span;
    },
  };
}
