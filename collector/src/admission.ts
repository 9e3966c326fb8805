/**
 * Bounds how many export requests are decoded and ingested at once, so memory stays bounded
 * whatever the number of clients: each active request holds its body, decoded spans and
 * normalized rows. Waiting HTTP requests have not had their bodies read yet (TCP pushes back on
 * the sender); past the waiting limit the receiver answers "retry later" at once.
 */
export interface Admission {
  /** A release function once admitted, or null when too many requests are already waiting. */
  acquire(): Promise<(() => void) | null>;
  active(): number;
  waiting(): number;
}

export function createAdmission(maxActive: number, maxWaiting: number): Admission {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    if (next !== undefined) next();
    else active--;
  };
  const once = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  return {
    acquire() {
      if (active < maxActive) {
        active++;
        return Promise.resolve(once());
      }
      if (queue.length >= maxWaiting) return Promise.resolve(null);
      return new Promise((resolve) => queue.push(() => resolve(once())));
    },
    active: () => active,
    waiting: () => queue.length,
  };
}
