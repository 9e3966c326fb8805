import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstK } from '../src/first-k.ts';

const byValue = (a: number, b: number): number => a - b;

describe('firstK', () => {
  it('equals sorting and slicing, for any items and k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 300 }),
        fc.integer({ min: -2, max: 320 }),
        (items, k) => {
          expect(firstK(items, k, byValue)).toEqual([...items].sort(byValue).slice(0, Math.max(0, k)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles sorted, reversed and constant inputs', () => {
    const n = 5000;
    const up = Array.from({ length: n }, (_, i) => i);
    for (const items of [up, [...up].reverse(), new Array<number>(n).fill(7)])
      for (const k of [1, 50, 2500, n - 1, n])
        expect(firstK(items, k, byValue)).toEqual([...items].sort(byValue).slice(0, k));
  });

  it('leaves its input as it was', () => {
    const items = [5, 3, 9, 1, 7];
    firstK(items, 2, byValue);
    expect(items).toEqual([5, 3, 9, 1, 7]);
  });
});
