/** The first `k` of `items` in `cmp` order: a bounded heap, for the first pages of many rows. */
export function firstK<T>(items: readonly T[], k: number, cmp: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  if (k * 4 >= items.length) return [...items].sort(cmp).slice(0, k);
  // Max-heap on cmp: the root is the worst of the best k so far.
  const heap: T[] = [];
  const swap = (i: number, j: number): void => {
    const t = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = t;
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (cmp(heap[i] as T, heap[p] as T) <= 0) break;
        swap(i, p);
        i = p;
      }
    } else if (cmp(item, heap[0] as T) < 0) {
      heap[0] = item;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && cmp(heap[l] as T, heap[m] as T) > 0) m = l;
        if (r < heap.length && cmp(heap[r] as T, heap[m] as T) > 0) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort(cmp);
}
