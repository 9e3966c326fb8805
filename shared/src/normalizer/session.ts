import type { Attributes } from '../otlp.ts';
import { firstStr } from './values.ts';

/** Session id attributes in priority order (docs/schema.md lists them from here). */
export const SESSION_KEYS = [
  'gen_ai.conversation.id',
  'session.id',
  'langfuse.session.id',
  'ai.telemetry.metadata.sessionId',
  // Vercel AI SDK 7 has no telemetry metadata: runtimeContext.sessionId, when telemetry includes it
  'ai.settings.context.sessionId',
  'traceloop.association.properties.session_id',
  // the Traceloop JS SDK copies Vercel's ai.telemetry.metadata.* keys here verbatim
  'traceloop.association.properties.sessionId',
] as const;

/** User id attributes in priority order. */
export const USER_KEYS = [
  'enduser.id',
  'user.id',
  'langfuse.user.id',
  'ai.telemetry.metadata.userId',
  'ai.settings.context.userId',
  'traceloop.association.properties.user_id',
  'traceloop.association.properties.userId',
  'gen_ai.user',
  'llm.user',
] as const;

export function ownSession(attrs: Attributes): { sessionId: string; source: string } | null {
  const hit = firstStr(attrs, SESSION_KEYS);
  return hit === null ? null : { sessionId: hit.value, source: hit.key };
}

export function userId(attrs: Attributes): string | null {
  return firstStr(attrs, USER_KEYS)?.value ?? null;
}
