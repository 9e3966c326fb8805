import { describe, expect, it } from 'vitest';
import type { EngineErrorKind } from '../../src/lib/engine/api.ts';
import { errorHelp, isRetryable } from '../../src/lib/error-help.ts';

describe('isRetryable', () => {
  it('offers Try again for failures that may pass, the query engine not sent among them', () => {
    const kinds: EngineErrorKind[] = ['unreachable', 'http-status', 'query-failed', 'engine-unavailable'];
    for (const kind of kinds) expect(isRetryable({ kind, message: '' }), kind).toBe(true);
  });

  it('does not for failures that would come back the same', () => {
    const kinds: EngineErrorKind[] = [
      'not-parquet',
      'schema-too-new',
      'out-of-memory',
      'not-found',
      'cancelled',
    ];
    for (const kind of kinds) expect(isRetryable({ kind, message: '' }), kind).toBe(false);
  });
});

describe('errorHelp', () => {
  it('names the query engine when its code was not sent', () => {
    expect(errorHelp({ kind: 'engine-unavailable', message: 'x.wasm answered HTTP 404' }, '').title).toBe(
      'The query engine could not be loaded',
    );
  });
});
