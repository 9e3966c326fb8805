/**
 * `start` run once and its promise shared, until it fails: a start that failed (a file or a chunk
 * the host could not send for a moment) is run again by the next caller, not kept as failed.
 */
export function retryMemo<T>(start: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | null = null;
  return () => {
    if (!current) {
      const started = start();
      current = started;
      started.catch(() => {
        if (current === started) current = null;
      });
    }
    return current;
  };
}
