/**
 * A crafted trace whose messages carry HTML and script payloads. If any of it executes, it sets
 * window.__pwned; if any of it renders as markup, an <img> or <script> appears in the conversation.
 */
import { chatTraceBody } from './otlp-json.ts';

export const XSS_SESSION = 'xss-session-1';
export const IMG_PAYLOAD = '<img src=x onerror=window.__pwned=1>';
export const SCRIPT_PAYLOAD = '<script>window.__pwned=1</script>';

export function xssTraceBody(nowMs: number): Uint8Array {
  return chatTraceBody(
    [
      {
        sessionId: XSS_SESSION,
        traceId: '5ca1ab1e000000000000000000000001',
        spanId: '5ca1ab1e00000001',
        model: 'gpt-4o-mini',
        startMs: nowMs - 5_000,
        durationMs: 1_200,
        input: [
          { role: 'system', text: `System ${SCRIPT_PAYLOAD}` },
          {
            role: 'user',
            text: `Look at this ${IMG_PAYLOAD} and this ${SCRIPT_PAYLOAD} [x](javascript:window.__pwned=1)`,
          },
        ],
        output: `Echo: ${IMG_PAYLOAD} <iframe src="javascript:window.__pwned=1"></iframe> ![i](x" onerror="window.__pwned=1)`,
        inputTokens: 42,
        outputTokens: 7,
      },
    ],
    'xss-app',
  );
}
