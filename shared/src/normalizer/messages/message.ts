/** A message in the OTel GenAI message schema, before it becomes a MessageRow. */
export type Part = { type: string } & Record<string, unknown>;

export interface Message {
  role: string;
  parts: Part[];
  name?: string;
  finishReason?: string;
  /** Message-level tool call id (1.36 tool message `id`, OpenAI `tool_call_id`). */
  toolCallId?: string;
}
