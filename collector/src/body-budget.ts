/**
 * Bounds the request bytes the receivers hold while bodies arrive and wait for an export slot.
 * HTTP bodies are read before a slot is taken, so a sender uploading slowly holds only its own
 * bytes, not one of the few slots every other sender needs. An HTTP request takes its declared
 * Content-Length when its headers arrive, or its chunks as they come; a gRPC call, which grpc-js
 * hands over whole, takes its message's bytes then. Nothing waits for room: past the budget a
 * request is answered 429 (gRPC UNAVAILABLE), so no two half-read bodies wait on each other, and
 * the calls waiting for a slot hold at most the budget between them.
 */
export interface BodyBudget {
  lease(): BodyLease;
  /** Bytes taken by leases not yet released. */
  held(): number;
}

export interface BodyLease {
  /** Takes `bytes` more for this request; false (nothing taken) when the budget has no room. */
  take(bytes: number): boolean;
  /** Gives back everything this lease took. Idempotent. */
  release(): void;
}

export function createBodyBudget(limitBytes: number): BodyBudget {
  let held = 0;
  return {
    held: () => held,
    lease() {
      let mine = 0;
      return {
        take(bytes) {
          if (held + bytes > limitBytes) return false;
          held += bytes;
          mine += bytes;
          return true;
        },
        release() {
          held -= mine;
          mine = 0;
        },
      };
    },
  };
}
