import type { Attributes } from '../otlp.ts';
import type { Message } from './messages/message.ts';

/** Row fields of a message that depend on the message alone (see messageRow). */
export interface MessageFields {
  content: string | null;
  parts: string | null;
  toolCallId: string | null;
  toolName: string | null;
  contentHash: string;
}

/**
 * What one normalizeBatch call works out once and reuses across the spans of the batch. Model
 * calls re-send the whole conversation before them, so a batch holding several calls of a session
 * would otherwise parse, serialize and hash the same history messages again at every call.
 * Lives for one batch only: nothing carries over between requests.
 */
export interface BatchCache {
  /** Raw JSON of a resource's attributes object, which the spans of that resource share. */
  resources: Map<Attributes, string>;
  /**
   * The last `gen_ai.input.messages` array read per session: its text without the closing `]`
   * plus `,` (what the next call's text starts with when it only appends), and its messages.
   */
  histories: Map<string, { open: string; messages: Message[] }>;
  /** Row fields of messages already turned into rows, for messages reused from a history. */
  fields: Map<Message, MessageFields>;
}

export function batchCache(): BatchCache {
  return { resources: new Map(), histories: new Map(), fields: new Map() };
}
