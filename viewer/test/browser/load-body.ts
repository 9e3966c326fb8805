/**
 * Sixty small crafted sessions over three models, recent (inside 24h), so paging, model filters
 * and time ranges have something to work on beyond the fixtures' few sessions.
 */
import { chatTraceBody, hex, type ChatSpan } from './otlp-json.ts';

export const LOAD_MODELS = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4'] as const;
export const LOAD_SESSIONS = 60;

export function loadSessionId(i: number): string {
  return `load-${String(i).padStart(3, '0')}`;
}

export function loadTraceBody(nowMs: number): Uint8Array {
  const spans: ChatSpan[] = [];
  for (let i = 0; i < LOAD_SESSIONS; i++) {
    const model = LOAD_MODELS[i % LOAD_MODELS.length] ?? 'gpt-4o-mini';
    const startMs = nowMs - 3_600_000 + i * 30_000;
    for (let turn = 0; turn < 2; turn++) {
      spans.push({
        sessionId: loadSessionId(i),
        traceId: hex(0x10000 + i, 32),
        spanId: hex(0x1000 * (i + 1) + turn, 16),
        model,
        startMs: startMs + turn * 8_000,
        durationMs: 800 + ((i * 37) % 900),
        input: [
          { role: 'system', text: 'You are a concise assistant for an on-call engineer.' },
          { role: 'user', text: `Question ${i}: why is queue ${i % 7} backing up?` },
          ...(turn === 1
            ? [
                { role: 'assistant', text: `Queue ${i % 7} is waiting on a slow consumer.` },
                { role: 'user', text: 'What should I check **first**?' },
              ]
            : []),
        ],
        output:
          turn === 0
            ? `Queue ${i % 7} is waiting on a slow consumer.`
            : '1. Consumer lag\n2. `max_poll_interval`\n3. Recent deploys',
        inputTokens: 120 + i * 3 + turn * 40,
        outputTokens: 20 + (i % 11) + turn * 15,
      });
    }
  }
  return chatTraceBody(spans, 'load-app');
}
