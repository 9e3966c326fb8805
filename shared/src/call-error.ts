import type { CallSummary } from './view.ts';

/**
 * What a failed call says went wrong: its error type, then its status message when there is one
 * that does not already name it ("APIConnectionTimeoutError: Request timed out."); 'error' when
 * the span recorded neither.
 */
export function callErrorText(call: Pick<CallSummary, 'errorType' | 'statusMessage'>): string {
  const type = call.errorType || null;
  const text = call.statusMessage || null;
  if (type !== null && text !== null && !text.includes(type)) return `${type}: ${text}`;
  return text ?? type ?? 'error';
}
