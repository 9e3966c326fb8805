/** Deterministic, plausible conversation text: prompts, answers, tool calls. Not meant to be read. */
import { type Random, createRandom } from './random.ts';

const SYSTEM_PROMPTS = [
  'You are a helpful customer support assistant for Acme Cloud. Answer concisely, cite the docs when you can, and never reveal internal ticket notes.',
  'You are a senior software engineer pairing with the user. Prefer small, tested changes. Explain trade-offs briefly.',
  'You are a research assistant. Summarize sources faithfully, say when you are unsure, and list open questions at the end.',
  'Tu es un assistant de voyage. Réponds en français, avec des suggestions concrètes et des prix indicatifs en euros.',
];

const OPENERS = [
  'Can you help me with',
  'I need to understand',
  'Why does',
  'How do I',
  'Quick question about',
  'Please summarize',
  'What is the best way to handle',
  'Compare',
  'Could you check',
  'Explain',
];
const TOPICS = [
  'the billing export for last month',
  'a flaky integration test in the payments service',
  'rate limits on the public API',
  'migrating our Postgres cluster to version 17',
  'the weather in Paris this weekend',
  'a Rust borrow checker error',
  'retention settings for the audit log',
  'the difference between p50 and p99 latency',
  'SSO with Okta and SCIM provisioning',
  'un itinéraire de trois jours à Lisbonne',
  'token usage of our chatbot',
  'this stack trace from the worker pool',
];
const FOLLOW_UPS = [
  'Thanks. And what about',
  'That did not work, it still fails with',
  'Can you make it shorter and cover',
  'OK, now also consider',
  'Great! One more thing:',
  'Hmm, are you sure? The docs say otherwise about',
  'Could you give an example for',
];
const WORDS = (
  'the service request response latency token budget cache window retry queue batch partition index schema ' +
  'session user model answer question context history message tool result error timeout config deploy region ' +
  'cluster node memory cost price invoice export import report dashboard metric alert threshold policy review ' +
  'café naïve résumé façade déjà vu 東京 ü ß émoji 🚀 ✓'
).split(' ');

const SYLLABLES = (
  'a e i o u an ar as at ba be bi bo ca ce ci co da de di do el en er es et fa fe fi fo ga ge go ha he hi ' +
  'in is it ka ke ki la le li lo lu ma me mi mo mu na ne ni no nu or pa pe pi po qu ra re ri ro ru sa se ' +
  'si so st ta te ti to tr tu un ur va ve vi vo wa we wi xa ya yo za ze zi zo tion ment ness able ing ed ly'
).split(' ');

/**
 * A fixed vocabulary of pseudo-words, drawn with a skew towards frequent ones, so that text
 * compresses roughly like prose does instead of like a 60-word list repeated.
 */
const VOCABULARY: readonly string[] = (() => {
  const r = createRandom(0x70a57);
  const words = new Set<string>();
  while (words.size < 4000) {
    let w = '';
    const n = r.weighted([
      [1, 3],
      [2, 5],
      [3, 3],
      [4, 1],
    ] as const);
    for (let i = 0; i < n; i++) w += r.pick(SYLLABLES);
    words.add(w);
  }
  return [...words];
})();

function word(r: Random): string {
  if (r.chance(0.12)) return r.pick(WORDS);
  return VOCABULARY[Math.floor(r.next() ** 2 * VOCABULARY.length)]!;
}

export const TOOLS = [
  {
    name: 'get_weather',
    args: (r: Random) => ({
      location: r.pick(['Paris', 'Lisbon', 'Tokyo', 'New York', 'São Paulo']),
      unit: 'celsius',
    }),
  },
  { name: 'search_docs', args: (r: Random) => ({ query: r.pick(TOPICS), limit: r.int(3, 10) }) },
  { name: 'lookup_invoice', args: (r: Random) => ({ invoice_id: `INV-${r.int(10000, 99999)}` }) },
  {
    name: 'run_sql',
    args: (r: Random) => ({ sql: `select count(*) from events where day = current_date - ${r.int(1, 30)}` }),
  },
] as const;

export function systemPrompt(r: Random): string {
  return r.pick(SYSTEM_PROMPTS);
}

function sentence(r: Random, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(word(r));
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

export function paragraph(r: Random, sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(r, r.int(6, 18)));
  return out.join(' ');
}

export function userMessage(r: Random, turn: number): string {
  const head = turn === 0 ? r.pick(OPENERS) : r.pick(FOLLOW_UPS);
  const body = `${head} ${r.pick(TOPICS)}?`;
  return r.chance(0.3) ? `${body}\n\n${paragraph(r, r.int(1, 6))}` : body;
}

export function assistantMessage(r: Random): string {
  const paragraphs: string[] = [];
  const n = r.weighted([
    [1, 4],
    [2, 3],
    [3, 2],
    [6, 1],
  ] as const);
  for (let i = 0; i < n; i++) paragraphs.push(paragraph(r, r.int(2, 6)));
  return paragraphs.join('\n\n');
}

export function toolResult(r: Random, tool: string): unknown {
  switch (tool) {
    case 'get_weather':
      return { temperature: r.int(-5, 35), conditions: r.pick(['sunny', 'cloudy', 'rain', 'snow']) };
    case 'search_docs':
      return {
        hits: Array.from({ length: r.int(1, 4) }, () => ({
          title: sentence(r, 4),
          snippet: sentence(r, 14),
        })),
      };
    case 'lookup_invoice':
      return { status: r.pick(['paid', 'open', 'overdue']), amount_eur: r.int(10, 5000) };
    default:
      return { rows: [[r.int(0, 100000)]] };
  }
}

/** A rough token count, ~4 characters per token, as providers' tokenizers average on English. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
