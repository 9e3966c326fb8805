/**
 * What a correct normalizer can know from the wire for one captured fixture. Derived from what the
 * fake OpenAI-compatible server received and returned, then reduced to what the library records
 * (see `notes`): e.g. a library that drops cached-token counts has `cached_input_tokens: 0`.
 */
export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

export interface GroundTruthMessage {
  role: MessageRole;
  /** Text of the message; null when it has none (an assistant message that only calls tools). */
  content: string | null;
  /** Set on tool messages: the id of the tool call they answer. */
  tool_call_id?: string | null;
}

export interface GroundTruthSession {
  /** null groups the spans that carry no session; `trace_ids` then names their traces. */
  session_id: string | null;
  trace_ids?: string[];
  /** Model calls visible on the wire (spans with is_llm_call), failed ones included. */
  llm_calls: number;
  /** Distinct response models, sorted. */
  models: string[];
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  /** Model calls that failed and are visible as failed on the wire. */
  errors: number;
  /** Distinct messages in conversation order: each message once, re-sent history de-duplicated. */
  messages: GroundTruthMessage[];
}

export interface GroundTruth {
  library: string;
  convention: string;
  notes: string[];
  sessions: GroundTruthSession[];
}
