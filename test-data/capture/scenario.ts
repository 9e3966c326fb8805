/**
 * The conversations every library app plays. Content is shared so fixtures of different libraries
 * describe the same sessions; only the way each app drives its library differs.
 */
export const SESSION_HEADER = 'x-capture-session';
export const FAIL_HEADER = 'x-capture-fail';

export const SESSIONS = {
  multiTurn: 'conv-multi-turn-001',
  large: 'conv-large-001',
  error: 'conv-error-001',
  /** A Responses API conversation: history is kept server-side under this id. */
  responses: 'conv_resp_001',
} as const;

export const SYSTEM_PROMPT =
  'You are the Parley capture assistant. Answer briefly and cite tools when you use them.';

export const TURNS = {
  first: "Hello! What's the capital of France?",
  unicode: 'Et en japonais ? 日本語で答えてください 🙏 — naïve café, Ελληνικά, עברית, 👩‍💻🧪',
  tool: 'What is the weather in Paris right now? Use the tool.',
  error: 'This request is meant to fail on the server side.',
  noSession: 'A one-off question without any session: what is 2 + 2?',
  responsesFirst: 'Responses API: name three rivers of Europe.',
  responsesSecond: 'Which of them is the longest? Réponds en français 🇫🇷',
} as const;

export const MODELS = { small: 'gpt-4o-mini', large: 'gpt-4.1' } as const;

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name' } },
    required: ['city'],
    additionalProperties: false,
  },
} as const;

/** What the app's tool returns; a plain string so every library records it the same way. */
export function runWeatherTool(city: string): string {
  return `Weather in ${city}: 18 °C, sunny ☀️, wind 9 km/h.`;
}

/** A deterministic ~100 KB user message (line-numbered so a truncation is visible). */
export function largeMessage(): string {
  const lines: string[] = ['Please summarise this log excerpt:'];
  for (let i = 1; lines.join('\n').length < 100_000; i++) {
    lines.push(
      `line ${String(i).padStart(5, '0')}: request served in ${(i * 37) % 997} ms, status ${i % 13 === 0 ? 500 : 200}, path /api/v1/items/${(i * 7919) % 100_000}`,
    );
  }
  return lines.join('\n');
}
