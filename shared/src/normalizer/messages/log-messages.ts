import type { AnyValue, OtlpLogRecord } from '../../otlp.ts';
import { FUTURE_TOLERANCE_US, isoMicros, isStorableTime } from '../time-bounds.ts';
import type { ProblemSink } from '../problems.ts';
import { isRecord, str, structured, structuredOrText } from '../values.ts';
import { CHOICE_EVENT, messageEvent, messageEventRole, OPERATION_DETAILS_EVENT } from './legacy-events.ts';
import type { Message } from './message.ts';
import { systemInstructions, toMessages } from './parts.ts';
import { repeatsInstructions } from './span-messages.ts';

export interface LogMessages {
  traceId: string;
  spanId: string;
  timeUs: number;
  inputs: Message[];
  /** Outputs with the choice index, so several choices order by index, not arrival. */
  outputs: Array<{ index: number; message: Message }>;
  /** True for gen_ai.choice events, whose index is the choice number across records. */
  choiceIndexed: boolean;
}

export function logEventName(record: OtlpLogRecord): string {
  if (typeof record.eventName === 'string' && record.eventName !== '') return record.eventName;
  const attrs = isRecord(record.attributes) ? record.attributes : {};
  return str(attrs, 'event.name') ?? '';
}

export function isGenAiMessageEvent(name: string): boolean {
  return messageEventRole(name) !== undefined || name === CHOICE_EVENT || name === OPERATION_DETAILS_EVENT;
}

/**
 * A record's time: its own, else when it was observed. When the collector's receipt time is
 * known, a record with neither, or one dated more than FUTURE_TOLERANCE_US after it (a wrong
 * clock), is dated by the receipt with a problem, as its span would be (spanTimes): 1970's hour
 * retention removes at once, a far future one never.
 */
function recordTime(record: OtlpLogRecord, receivedUs: number | undefined, problems: ProblemSink): number {
  const sent =
    isStorableTime(record.timeUs) && record.timeUs > 0
      ? record.timeUs
      : isStorableTime(record.observedTimeUs) && record.observedTimeUs > 0
        ? record.observedTimeUs
        : null;
  if (receivedUs === undefined) return sent ?? 0;
  if (sent === null) {
    problems.add(
      'time_from_receipt',
      'log record without time or observed time: its messages are stored at the time the collector received it',
      'log',
    );
    return receivedUs;
  }
  if (sent > receivedUs + FUTURE_TOLERANCE_US) {
    problems.add(
      'future_time',
      `log record time ${isoMicros(sent)} is more than a day after the collector received it: its messages are stored at the time received`,
      'log',
    );
    return receivedUs;
  }
  return sent;
}

/**
 * Messages carried by one log record; null when it is not a GenAI message event. `receivedUs`,
 * when the caller knows it, dates a record sent without a time.
 */
export function logMessages(
  record: OtlpLogRecord,
  problems: ProblemSink,
  receivedUs?: number,
): LogMessages | null {
  if (!isRecord(record)) return null;
  const name = logEventName(record);
  if (!isGenAiMessageEvent(name)) return null;
  const base = {
    traceId: typeof record.traceId === 'string' ? record.traceId.toLowerCase() : '',
    spanId: typeof record.spanId === 'string' ? record.spanId.toLowerCase() : '',
    timeUs: recordTime(record, receivedUs, problems),
    inputs: [] as Message[],
    outputs: [] as Array<{ index: number; message: Message }>,
    choiceIndexed: name === CHOICE_EVENT,
  };
  if (name === OPERATION_DETAILS_EVENT) {
    const attrs = isRecord(record.attributes) ? record.attributes : {};
    const body = isRecord(record.body) ? (record.body as Record<string, AnyValue>) : {};
    const get = (key: string) => structured(attrs, key, problems) ?? structured(body, key, problems);
    const system =
      structuredOrText(attrs, 'gen_ai.system_instructions', problems) ??
      structuredOrText(body, 'gen_ai.system_instructions', problems);
    const sys = system === undefined ? null : systemInstructions(system);
    const history = toMessages(get('gen_ai.input.messages'), 'user');
    if (sys !== null && !repeatsInstructions(history, sys)) base.inputs.push(sys);
    base.inputs.push(...history);
    toMessages(get('gen_ai.output.messages'), 'assistant').forEach((message, index) =>
      base.outputs.push({ index, message }),
    );
    return base;
  }
  const m = messageEvent(name, record.body ?? undefined, `log.${name}`, problems);
  if (m === null) return base;
  if (m.direction === 'input') base.inputs.push(m.message);
  else base.outputs.push({ index: m.index, message: m.message });
  return base;
}
