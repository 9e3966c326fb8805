import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { spanSummariesSql } from '../../src/sql/span-summaries.ts';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

// The columns the summaries read, with two sessions over two hours and a sessionless trace.
const SPANS = `CREATE TABLE spans AS SELECT * FROM (VALUES
  ('a', 't1', TIMESTAMP '2026-11-26 05:10:00', TIMESTAMP '2026-11-26 05:10:02', true,  10, 2, 1, 0, 0.5,  'OK',    'm2', 'u', 'svc'),
  ('a', 't1', TIMESTAMP '2026-11-26 05:10:00', TIMESTAMP '2026-11-26 05:10:03', false, NULL, NULL, NULL, NULL, NULL, 'ERROR', NULL, 'u', 'svc'),
  ('a', 't1', TIMESTAMP '2026-11-26 05:20:00', TIMESTAMP '2026-11-26 05:20:01', true,  5, 0, 0, 0, NULL, 'ERROR', 'm1', 'u', 'svc'),
  ('a', 't2', TIMESTAMP '2026-11-26 06:05:00', TIMESTAMP '2026-11-26 06:05:01', true,  1, 1, 0, 3, 0.25, 'OK',    'm1', 'u', 'svc'),
  (NULL, 't3', TIMESTAMP '2026-11-26 06:30:00', TIMESTAMP '2026-11-26 06:30:01', true, 7, 7, 0, 0, NULL, 'OK',    NULL, NULL, NULL)
) AS s(session_id, trace_id, start_time, end_time, is_llm_call, input_tokens, output_tokens,
       cached_input_tokens, reasoning_tokens, total_cost_usd, status_code, model, user_id, service_name)`;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run(SPANS);
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

async function summaries(partition: 'hour' | 'day' | null) {
  const reader = await conn.runAndReadAll(
    `SELECT session_id, trace_id, strftime(first_time, '%H:%M') AS first, strftime(last_time, '%H:%M:%S') AS last,
            spans::INTEGER AS spans, llm_calls::INTEGER AS calls, input_tokens::INTEGER AS tin,
            output_tokens::INTEGER AS tout, reasoning_tokens::INTEGER AS reasoning, total_cost_usd::DOUBLE AS cost,
            unpriced_calls::INTEGER AS unpriced, errors::INTEGER AS errors, models
       FROM (${spanSummariesSql('spans', partition)}) ORDER BY first_time, session_id`,
  );
  return reader.getRowObjectsJson();
}

describe('spanSummariesSql', () => {
  it('sums LLM calls per session, keys sessionless spans by trace, and counts failed calls only', async () => {
    expect(await summaries(null)).toEqual([
      {
        session_id: 'a',
        trace_id: null,
        first: '05:10',
        last: '06:05:01',
        spans: 4,
        calls: 3,
        tin: 16,
        tout: 3,
        reasoning: 3,
        cost: 0.75,
        unpriced: 1,
        // The failed call counts; its ERROR parent span (not a call) does not.
        errors: 1,
        models: ['m1', 'm2'],
      },
      {
        session_id: null,
        trace_id: 't3',
        first: '06:30',
        last: '06:30:01',
        spans: 1,
        calls: 1,
        tin: 7,
        tout: 7,
        reasoning: 0,
        cost: null,
        unpriced: 1,
        errors: 0,
        models: [],
      },
    ]);
  });

  it('sums the tokens of the calls that reported them, NULL where none did', async () => {
    // Session 'none': two calls without usage (and a non-call span with tokens, not summed).
    // Session 'some': one call with usage, one without; its reported 0 cached stays 0.
    await conn.run(`CREATE OR REPLACE TABLE usage_spans AS SELECT * REPLACE (
        CAST(input_tokens AS BIGINT) AS input_tokens, CAST(output_tokens AS BIGINT) AS output_tokens,
        CAST(cached_input_tokens AS BIGINT) AS cached_input_tokens, CAST(reasoning_tokens AS BIGINT) AS reasoning_tokens)
      FROM (VALUES
        ('none', 't1', TIMESTAMP '2026-11-26 05:10:00', TIMESTAMP '2026-11-26 05:10:01', true,  NULL, NULL, NULL, NULL, NULL, 'ERROR', 'm', NULL, NULL),
        ('none', 't1', TIMESTAMP '2026-11-26 05:11:00', TIMESTAMP '2026-11-26 05:11:01', true,  NULL, NULL, NULL, NULL, NULL, 'ERROR', 'm', NULL, NULL),
        ('none', 't1', TIMESTAMP '2026-11-26 05:11:00', TIMESTAMP '2026-11-26 05:11:02', false, 9, 9, 9, 9, NULL, 'OK', NULL, NULL, NULL),
        ('some', 't2', TIMESTAMP '2026-11-26 05:12:00', TIMESTAMP '2026-11-26 05:12:01', true,  NULL, NULL, NULL, NULL, NULL, 'ERROR', 'm', NULL, NULL),
        ('some', 't2', TIMESTAMP '2026-11-26 05:13:00', TIMESTAMP '2026-11-26 05:13:01', true,  4, 2, 0, NULL, NULL, 'OK', 'm', NULL, NULL)
      ) AS s(session_id, trace_id, start_time, end_time, is_llm_call, input_tokens, output_tokens,
             cached_input_tokens, reasoning_tokens, total_cost_usd, status_code, model, user_id, service_name)`);
    const reader = await conn.runAndReadAll(
      `SELECT session_id, input_tokens::INTEGER AS tin, output_tokens::INTEGER AS tout,
              cached_input_tokens::INTEGER AS cached, reasoning_tokens::INTEGER AS reasoning
         FROM (${spanSummariesSql('usage_spans', 'hour')}) ORDER BY session_id`,
    );
    expect(reader.getRowObjectsJson()).toEqual([
      { session_id: 'none', tin: null, tout: null, cached: null, reasoning: null },
      { session_id: 'some', tin: 4, tout: 2, cached: 0, reasoning: null },
    ]);
  });

  it('splits a session by the partition of its span starts', async () => {
    const byHour = await summaries('hour');
    expect(byHour.map((r) => [r.session_id ?? r.trace_id, r.first, r.spans])).toEqual([
      ['a', '05:10', 3],
      ['a', '06:05', 1],
      ['t3', '06:30', 1],
    ]);
    expect((await summaries('day')).map((r) => [r.session_id ?? r.trace_id, r.spans])).toEqual([
      ['a', 4],
      ['t3', 1],
    ]);
  });

  it('keys every row of a group with one session_key, from MD5 of the tagged id', async () => {
    await conn.run(`CREATE OR REPLACE TABLE keyed AS SELECT * FROM spans UNION ALL
      SELECT 't3', 'tx', start_time, end_time, is_llm_call, input_tokens, output_tokens, cached_input_tokens,
             reasoning_tokens, total_cost_usd, status_code, model, user_id, service_name FROM spans WHERE session_id IS NULL`);
    const reader = await conn.runAndReadAll(
      `SELECT coalesce(session_id, 'trace:' || trace_id) AS k, list(DISTINCT session_key) AS keys,
              list(DISTINCT session_key = (md5_number_lower(CASE WHEN session_id IS NULL THEN 't' || trace_id ELSE 's' || session_id END) >> 1)::BIGINT) AS exact
         FROM (${spanSummariesSql('keyed', 'hour')}) GROUP BY 1 ORDER BY 1`,
    );
    const rows = reader.getRowObjectsJS() as Array<{ k: string; keys: bigint[]; exact: boolean[] }>;
    // 'a' spans two hours: two rows, one key. A session named 't3' and the sessionless trace 't3'
    // are two groups with two keys, as the rollup keeps them.
    expect(rows.map((r) => [r.k, r.keys.length, r.exact])).toEqual([
      ['a', 1, [true]],
      ['t3', 1, [true]],
      ['trace:t3', 1, [true]],
    ]);
    expect(new Set(rows.map((r) => r.keys[0])).size).toBe(3);
  });
});
