import { describe, expect, it } from 'vitest';
import { retryMemo } from '../../src/lib/engine/retry-memo.ts';

describe('retryMemo', () => {
  it('shares one start while it runs and once it succeeded', async () => {
    let starts = 0;
    const get = retryMemo(async () => ++starts);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    expect(await get()).toBe(1);
    expect(starts).toBe(1);
  });

  it('starts again after a failure, and keeps the start that succeeded', async () => {
    let starts = 0;
    const get = retryMemo(async () => {
      starts++;
      if (starts === 1) throw new Error('host away');
      return starts;
    });
    await expect(get()).rejects.toThrow('host away');
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
    expect(starts).toBe(2);
  });
});
