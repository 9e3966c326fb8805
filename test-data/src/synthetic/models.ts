/** The model mix of the synthetic traffic: mostly priced models, one unknown model with no price. */

export interface SyntheticModel {
  provider: string;
  request: string;
  /** What the provider reports back (often a dated snapshot). */
  response: string;
  serverAddress: string;
  /** Whether the provider reports cache reads for re-sent history. */
  caching: boolean;
  /** Whether output tokens include reasoning tokens reported separately. */
  reasoning: boolean;
  weight: number;
}

export const MODELS: readonly SyntheticModel[] = [
  {
    provider: 'openai',
    request: 'gpt-4o',
    response: 'gpt-4o-2024-08-06',
    serverAddress: 'api.openai.com',
    caching: true,
    reasoning: false,
    weight: 30,
  },
  {
    provider: 'openai',
    request: 'gpt-4o-mini',
    response: 'gpt-4o-mini-2024-07-18',
    serverAddress: 'api.openai.com',
    caching: true,
    reasoning: false,
    weight: 30,
  },
  {
    provider: 'anthropic',
    request: 'claude-sonnet-4',
    response: 'claude-sonnet-4-20250514',
    serverAddress: 'api.anthropic.com',
    caching: true,
    reasoning: false,
    weight: 20,
  },
  {
    provider: 'gcp.gemini',
    request: 'gemini-2.5-flash',
    response: 'gemini-2.5-flash',
    serverAddress: 'generativelanguage.googleapis.com',
    caching: false,
    reasoning: true,
    weight: 15,
  },
  {
    provider: 'acme',
    request: 'acme-llm-7b',
    response: 'acme-llm-7b-v3',
    serverAddress: 'llm.acme.internal',
    caching: false,
    reasoning: false,
    weight: 5,
  },
];

export const MODEL_WEIGHTS: readonly (readonly [SyntheticModel, number])[] = MODELS.map(
  (m) => [m, m.weight] as const,
);
