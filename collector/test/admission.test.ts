import { describe, expect, it } from 'vitest';
import { createAdmission } from '../src/admission.ts';

describe('createAdmission', () => {
  it('admits up to the limit, queues the next ones in order, refuses past the queue', async () => {
    const admission = createAdmission(2, 1);
    const first = await admission.acquire();
    const second = await admission.acquire();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    const order: string[] = [];
    const third = admission.acquire().then((release) => {
      order.push('third');
      return release;
    });
    expect(await admission.acquire()).toBeNull();
    expect([admission.active(), admission.waiting()]).toEqual([2, 1]);
    first?.();
    first?.();
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    expect([admission.active(), admission.waiting()]).toEqual([2, 0]);
    second?.();
    releaseThird?.();
    expect(admission.active()).toBe(0);
  });
});
