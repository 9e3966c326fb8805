/**
 * A span's times against the time the collector received it: none at all, or a wrong clock a day
 * or more ahead, are dated by the receipt with a problem; minutes of skew are kept as sent.
 */
import { describe, expect, it } from 'vitest';
import { normalizeBatch } from '../../src/normalizer/index.ts';
import { FUTURE_TOLERANCE_US, isoMicros, MAX_TIME_US } from '../../src/normalizer/time-bounds.ts';
import { span } from './helpers.ts';

const RECEIVED = Date.UTC(2026, 10, 27, 21, 30) * 1000;
const MINUTE = 60_000_000;
// Whole seconds: a µs time this far ahead is past what a double holds to the µs.
const YEAR_5138 = Date.UTC(5138, 2, 4, 5, 6, 7) * 1000;
const chat = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
};

function row(startTimeUs: number, endTimeUs: number, received: number | null = RECEIVED) {
  const batch = normalizeBatch(
    { spans: [span(chat, { startTimeUs, endTimeUs })], logs: [] },
    received === null ? { pricer: null } : { pricer: null, receivedUs: received },
  );
  const [r] = batch.spans;
  if (r === undefined) throw new Error('no row');
  const problems = JSON.parse(r.problems ?? '[]') as Array<{ code: string; field?: string; message: string }>;
  return { r, problems, messages: batch.messages };
}

describe('span times and the receipt time', () => {
  it('a span with neither time is dated when it was received, and says so', () => {
    const { r, problems, messages } = row(0, 0);
    expect([r.start_time, r.end_time, r.duration_ms]).toEqual([RECEIVED, RECEIVED, 0]);
    expect(problems.map((p) => p.code)).toEqual(['missing_field', 'missing_field', 'time_from_receipt']);
    expect(problems[2]).toEqual({
      code: 'time_from_receipt',
      field: 'start_time',
      message: 'no start or end time: stored at the time the collector received the span',
    });
    // Its messages go to the same hour as the span.
    expect(messages.map((m) => m.start_time)).toEqual([RECEIVED]);
  });

  it('a span more than a day ahead moves to the receipt with its duration, naming the time sent', () => {
    const { r, problems, messages } = row(YEAR_5138, YEAR_5138 + 2_000_000);
    expect([r.start_time, r.end_time]).toEqual([RECEIVED, RECEIVED + 2_000_000]);
    expect(problems).toEqual([
      {
        code: 'future_time',
        field: 'start_time',
        message:
          'start_time 5138-03-04T05:06:07.000000Z is more than a day after the collector received the span: stored at the time received, with its duration',
      },
    ]);
    expect(messages.map((m) => m.start_time)).toEqual([RECEIVED]);
  });

  it('keeps minutes of clock skew, and a day ahead exactly, as sent', () => {
    const skewed = row(RECEIVED + 5 * MINUTE, RECEIVED + 5 * MINUTE + 1000);
    expect([skewed.r.start_time, skewed.r.end_time]).toEqual([
      RECEIVED + 5 * MINUTE,
      RECEIVED + 5 * MINUTE + 1000,
    ]);
    expect(skewed.problems).toEqual([]);
    const dayAhead = row(RECEIVED + FUTURE_TOLERANCE_US, RECEIVED + FUTURE_TOLERANCE_US);
    expect(dayAhead.r.start_time).toBe(RECEIVED + FUTURE_TOLERANCE_US);
    expect(dayAhead.problems).toEqual([]);
    expect(row(RECEIVED + FUTURE_TOLERANCE_US + 1, RECEIVED + FUTURE_TOLERANCE_US + 1).r.start_time).toBe(
      RECEIVED,
    );
  });

  it('an end far ahead of a plausible start is set to the start', () => {
    const { r, problems } = row(RECEIVED - MINUTE, YEAR_5138);
    expect([r.start_time, r.end_time]).toEqual([RECEIVED - MINUTE, RECEIVED - MINUTE]);
    expect(problems).toEqual([
      {
        code: 'future_time',
        field: 'end_time',
        message: `end_time ${isoMicros(YEAR_5138)} is more than a day after the collector received the span: end set to start`,
      },
    ]);
    // Moved, but lasting over a day past the receipt: the end is not believed either.
    const both = row(YEAR_5138, MAX_TIME_US);
    expect([both.r.start_time, both.r.end_time]).toEqual([RECEIVED, RECEIVED]);
    expect(both.problems.map((p) => p.field)).toEqual(['start_time', 'end_time']);
    expect(both.problems[1]?.message).toMatch(/^end_time 9999-12-31T23:59:59\.\d{6}Z is more than a day/);
  });

  it('without a receipt time (a caller that has none) the times are as sent', () => {
    expect(row(0, 0, null).r.start_time).toBe(0);
    expect(row(YEAR_5138, YEAR_5138, null).r.start_time).toBe(YEAR_5138);
  });

  it('formats microseconds in ISO times', () => {
    expect(isoMicros(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 7)).toBe('2026-01-02T03:04:05.000007Z');
    expect(isoMicros(Date.UTC(9999, 11, 31, 23, 59, 59) * 1000)).toBe('9999-12-31T23:59:59.000000Z');
    // Not year 10000: MAX_TIME_US as a double rounds up to it.
    expect(isoMicros(MAX_TIME_US)).toMatch(/^9999-12-31T23:59:59\.99999\dZ$/);
  });
});

describe('log record times and the receipt time', () => {
  const target = span(chat);
  const log = (times: { timeUs?: number; observedTimeUs?: number }) => ({
    eventName: 'gen_ai.user.message',
    traceId: target.traceId,
    spanId: target.spanId,
    body: { content: 'hi' },
    ...times,
  });
  const messages = (
    times: { timeUs?: number; observedTimeUs?: number },
    received: number | null = RECEIVED,
  ) => {
    const batch = normalizeBatch(
      { spans: [], logs: [log(times)] as never[] },
      received === null ? { pricer: null } : { pricer: null, receivedUs: received },
    );
    return { times: batch.messages.map((m) => m.start_time), problems: batch.problems };
  };

  it('a record with neither time (OTLP 0 is unset) is dated when it was received, and says so', () => {
    const { times, problems } = messages({ timeUs: 0, observedTimeUs: 0 });
    expect(times).toEqual([RECEIVED]);
    expect(problems).toEqual([
      {
        code: 'time_from_receipt',
        field: 'log',
        message:
          'log record without time or observed time: its messages are stored at the time the collector received it',
      },
    ]);
  });

  it('a record more than a day ahead is dated when it was received; minutes ahead are kept', () => {
    const ahead = messages({ timeUs: YEAR_5138 });
    expect(ahead.times).toEqual([RECEIVED]);
    expect(ahead.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'future_time',
        `log record time ${isoMicros(YEAR_5138)} is more than a day after the collector received it: its messages are stored at the time received`,
      ],
    ]);
    expect(messages({ timeUs: RECEIVED + 5 * MINUTE })).toEqual({
      times: [RECEIVED + 5 * MINUTE],
      problems: [],
    });
    expect(messages({ observedTimeUs: RECEIVED - MINUTE })).toEqual({
      times: [RECEIVED - MINUTE],
      problems: [],
    });
  });

  it('without a receipt time, times are as sent (the viewer normalizes what it is given)', () => {
    expect(messages({ timeUs: 0, observedTimeUs: 0 }, null)).toEqual({ times: [0], problems: [] });
    expect(messages({ timeUs: YEAR_5138 }, null).times).toEqual([YEAR_5138]);
  });
});
