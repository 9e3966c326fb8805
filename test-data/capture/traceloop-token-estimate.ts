/**
 * The token counts @traceloop/instrumentation-openai 0.27 records for a streamed chat call when
 * `enrichTokens` is on (the Traceloop SDK's default, TRACELOOP_ENRICH_TOKENS): it ignores the
 * server's usage chunk and counts with js-tiktoken for the response model, the prompt as the sum of
 * each message's string content, the completion as the streamed text. It records nothing when the
 * completion counts 0 (a tool-call-only answer).
 */
import { encodingForModel, type TiktokenModel } from 'js-tiktoken';
import type { RecordedCall, WireMessage } from './fake-openai.ts';

function count(text: WireMessage['content'], model: string): number {
  return typeof text === 'string' && text !== ''
    ? encodingForModel(model as TiktokenModel).encode(text).length
    : 0;
}

export function traceloopStreamEstimate(call: RecordedCall): { input: number; output: number } | null {
  if (!call.response) return null;
  const model = call.response.model;
  const output = count(call.response.message.content, model);
  if (output === 0) return null;
  return { input: call.request.messages.reduce((n, m) => n + count(m.content, model), 0), output };
}
