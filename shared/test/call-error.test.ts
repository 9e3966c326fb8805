import { describe, expect, it } from 'vitest';
import { callErrorText } from '../src/call-error.ts';

describe('callErrorText', () => {
  it('names the error type, then the status message when there is one', () => {
    expect(callErrorText({ errorType: 'APIConnectionTimeoutError', statusMessage: null })).toBe(
      'APIConnectionTimeoutError',
    );
    expect(callErrorText({ errorType: 'RateLimitError', statusMessage: '429 Rate limit reached' })).toBe(
      'RateLimitError: 429 Rate limit reached',
    );
    expect(callErrorText({ errorType: null, statusMessage: '429 Rate limit reached' })).toBe(
      '429 Rate limit reached',
    );
  });

  it('does not repeat a type the message already names, and says "error" when nothing was recorded', () => {
    expect(
      callErrorText({ errorType: 'BadRequestError', statusMessage: 'BadRequestError: 400 too long' }),
    ).toBe('BadRequestError: 400 too long');
    expect(callErrorText({ errorType: '', statusMessage: '' })).toBe('error');
    expect(callErrorText({ statusMessage: null })).toBe('error');
  });
});
