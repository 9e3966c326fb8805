/**
 * Benchmark (not a test): latency of the SQL builders' queries (reading the session rollup table,
 * as the viewer does) on a synthetic dataset of 100,000 sessions (150,000 summary rows) and 500,000 spans, in native DuckDB (@duckdb/node-api, in-memory
 * tables) and in DuckDB-WASM 1.32 run in Node (the browser's engine, single-threaded). Prints a
 * Markdown section; run with `node scripts/bench-sql/run.ts`.
 */
import { cpus, loadavg } from 'node:os';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { createTableSql } from '@parley/shared/schema';
import { CREATE_SESSION_ROLLUP_SQL } from '@parley/shared/sql/filters';
import type { SqlQuery } from '@parley/shared/sql/query';
import { sessionCalls, sessionMessages } from '@parley/shared/sql/session';
import { modelCounts, sessionsPage } from '@parley/shared/sql/sessions';
import { timeseries } from '@parley/shared/sql/timeseries';
import { defaultViewState } from '@parley/shared/url-state';
import type { ViewState } from '@parley/shared/view';
import { openWasm } from '../../shared/test/sql/wasm.ts';

const SESSIONS = 100_000;
const SUMMARY_ROWS = 150_000;
const SPANS = 500_000;
const T0 = Date.UTC(2026, 10, 1) * 1000;
const NOW = T0 + 30 * 86_400_000_000;

const GENERATE = [
  createTableSql('sessions', 'sessions'),
  `INSERT INTO sessions BY NAME SELECT
    'sess-' || lpad(CAST(r % ${SESSIONS} AS VARCHAR), 7, '0') AS session_id,
    make_timestamp(CAST(${T0} + (hash(r % ${SESSIONS}) % 2500000) * 1000000 + (r // ${SESSIONS}) * 3600000000 AS BIGINT)) AS first_time,
    make_timestamp(CAST(${T0} + (hash(r % ${SESSIONS}) % 2500000) * 1000000 + (r // ${SESSIONS}) * 3600000000 + 60000000 AS BIGINT)) AS last_time,
    10 AS spans, 5 AS llm_calls, hash(r) % 5000 AS input_tokens, hash(r + 1) % 900 AS output_tokens,
    hash(r + 2) % 300 AS cached_input_tokens, 0 AS reasoning_tokens,
    CASE WHEN r % 10 = 0 THEN NULL ELSE (hash(r + 3) % 1000) / 100000.0 END AS total_cost_usd,
    CASE WHEN r % 10 = 0 THEN 5 ELSE 0 END AS unpriced_calls, CAST(r % 17 = 0 AS INTEGER) AS errors,
    [['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'gemini-2.5-pro'][1 + r % 4]] AS models
  FROM range(${SUMMARY_ROWS}) t(r)`,
  createTableSql('spans', 'spans'),
  `INSERT INTO spans BY NAME SELECT
    lpad(CAST(r // 5 AS VARCHAR), 32, '0') AS trace_id, lpad(CAST(r AS VARCHAR), 16, '0') AS span_id,
    'chat' AS name, 'CLIENT' AS kind, make_timestamp(CAST(${T0} + r * 5000000 AS BIGINT)) AS start_time,
    make_timestamp(CAST(${T0} + r * 5000000 + 800000 AS BIGINT)) AS end_time, 800.0 AS duration_ms,
    'OK' AS status_code, CASE WHEN r % 5 = 0 THEN 'sess-' || lpad(CAST((r // 5) % ${SESSIONS} AS VARCHAR), 7, '0') END AS session_id,
    ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'gemini-2.5-pro'][1 + r % 4] AS model,
    hash(r) % 5000 AS input_tokens, hash(r + 1) % 900 AS output_tokens, 0 AS cached_input_tokens,
    (hash(r) % 1000) / 100000.0 AS total_cost_usd, TRUE AS is_llm_call,
    '{}' AS attributes, '{}' AS resource_attributes, '[]' AS events
  FROM range(${SPANS}) t(r)`,
  createTableSql('messages', 'messages'),
];

const view = (patch: Partial<ViewState>): ViewState => ({
  ...defaultViewState(),
  time: { kind: 'relative', range: '30d' },
  ...patch,
});
const R = { rollup: true };
const CASES: [string, SqlQuery][] = [
  ['build the session rollup table (once per load)', { sql: CREATE_SESSION_ROLLUP_SQL, params: [] }],
  ['sessions page, inline aggregation (CLI, Node)', sessionsPage(view({}), NOW)],
  ['sessions page, default sort, 30d', sessionsPage(view({}), NOW, R)],
  [
    'sessions page, sort by cost, page 40',
    sessionsPage(view({ sort: { key: 'total_cost_usd', dir: 'desc' }, page: 40 }), NOW, R),
  ],
  ['sessions page, search "00042"', sessionsPage(view({ search: '00042' }), NOW, R)],
  [
    'sessions page, 2 models, 24h',
    sessionsPage(
      view({ models: ['gpt-4o', 'gemini-2.5-pro'], time: { kind: 'relative', range: '24h' } }),
      NOW,
      R,
    ),
  ],
  ['model list', modelCounts(view({}), NOW, R)],
  ['timeseries, 30d, no filter', timeseries(view({}), NOW, undefined, R)],
  ['timeseries, 30d, search', timeseries(view({ search: '0004' }), NOW, undefined, R)],
  ['one session: calls', sessionCalls('sess-0001234')],
  ['one session: messages', sessionMessages('sess-0001234')],
];

function stats(ms: number[]): { p50: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50: s[Math.floor(s.length / 2)] as number,
    p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] as number,
  };
}

/** Wall time and process CPU time (user + system) per run: CPU time is what contention on a shared machine distorts least. */
async function time(
  run: () => Promise<unknown> | unknown,
  n = 15,
): Promise<{ wall: number; cpu: number; cpuP95: number }> {
  await run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await run();
    const d = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((d.user + d.system) / 1000);
  }
  const cs = stats(cpu);
  return { wall: stats(wall).p50, cpu: cs.p50, cpuP95: cs.p95 };
}

const native = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await native.connect();
for (const sql of [...GENERATE, CREATE_SESSION_ROLLUP_SQL]) await conn.run(sql);
const wasm = await openWasm({ spans: [], messages: [], sessions: [] });
for (const sql of [...GENERATE.filter((s) => !s.startsWith('CREATE')), CREATE_SESSION_ROLLUP_SQL])
  wasm.exec(sql);

const lines = [
  '<!-- bench-sql:start -->',
  '## SQL builders (`node scripts/bench-sql/run.ts`)',
  '',
  `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), shared with other work; ` +
    `${SESSIONS.toLocaleString('en')} sessions in ${SUMMARY_ROWS.toLocaleString('en')} summary rows, ${SPANS.toLocaleString('en')} spans (20% carrying session_id, the rest inheriting it from their trace), in-memory tables, 1 thread each; ` +
    `load average ${loadavg()[0]?.toFixed(1)} at the start. CPU ms (user+system, p50 and p95) and wall ms (p50) over 15 runs after a warm-up; wall time is inflated by the load.`,
  '',
  '| Query | native CPU p50 / p95 | native wall | WASM CPU p50 / p95 | WASM wall | WASM / native (CPU p50) |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const [name, q] of CASES) {
  const n = await time(() => conn.runAndReadAll(q.sql, q.params as DuckDBValue[]));
  const w = await time(() => wasm.run(q));
  const f = (x: number) => x.toFixed(0);
  lines.push(
    `| ${name} | ${f(n.cpu)} / ${f(n.cpuP95)} | ${f(n.wall)} | ${f(w.cpu)} / ${f(w.cpuP95)} | ${f(w.wall)} | ${(w.cpu / n.cpu).toFixed(1)}x |`,
  );
}
lines.push('<!-- bench-sql:end -->');
console.log(lines.join('\n'));
conn.closeSync();
native.closeSync();
wasm.close();
