/**
 * Writes a synthetic snapshot laid out like the collector's (hive-partitioned spans, messages and
 * sessions Parquet + manifest.json) with real DuckDB, for the engine's tests and the viewer
 * benchmark when the project's own generator is not available. Deterministic for given options.
 */
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Manifest, ManifestFile } from '@parley/shared/manifest';
import {
  MESSAGES_COLUMNS,
  SCHEMA_VERSION,
  SESSIONS_COLUMNS,
  SPANS_COLUMNS,
  type TableName,
} from '@parley/shared/schema';
import { sessionKeyHashSql } from '@parley/shared/sql/session-key';

export interface SnapshotOptions {
  sessions: number;
  /** Spans per session; every other span is an LLM call. */
  spansPerSession: number;
  /** Sessions start uniformly over this many days before `endIso`. */
  days: number;
  endIso: string;
  /** Rows per Parquet row group (multiple of 2048). */
  rowGroupSize: number;
  /**
   * Session summaries per hour (like spans and messages), or per day and in time order: the first
   * page reads every summary file of its range (fewer files decode faster), and the sessions of
   * the default page (latest first) then sit in the last row groups. Default 'hour'.
   */
  sessionsPartition?: 'hour' | 'day';
  /** Parquet compression of the summaries (spans and messages stay ZSTD). Default 'zstd'. */
  sessionsCompression?: 'zstd' | 'snappy' | 'uncompressed';
  /**
   * Every n-th session's last LLM call (and its messages) is stored without the session id, as
   * when the collector could not inherit it across batches. Default 0 (none).
   */
  detachLastCallEvery?: number;
}

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'gemini-2.5-pro', 'house-model-x'];

export async function writeSnapshot(root: string, opts: SnapshotOptions): Promise<Manifest> {
  await mkdir(root, { recursive: true });
  const db = await DuckDBInstance.create(':memory:', {
    memory_limit: '3GB',
    preserve_insertion_order: 'true',
  });
  const con = await db.connect();
  const run = (sql: string): Promise<unknown> => con.run(sql);
  const windowUs = Math.round(opts.days * 86_400e6);
  const models = `[${MODELS.map((m) => `'${m}'`).join(',')}]`;
  await run(`CREATE TABLE s AS SELECT i,
      CASE WHEN i % 50 = 49 THEN NULL ELSE 'sess-' || md5('s' || i)[1:12] END AS session_id,
      md5('t' || i) AS trace_id,
      TIMESTAMP '${opts.endIso.replace('T', ' ').replace('Z', '')}' - to_microseconds(${windowUs}::BIGINT)
        + to_microseconds((hash(i) % ${windowUs})::BIGINT) AS t0,
      (${models})[1 + i % ${MODELS.length}] AS model
    FROM range(${opts.sessions}) r(i)`);
  const spanCols = SPANS_COLUMNS.map((c) => c.name).join(', ');
  const detachEvery = Math.max(0, Math.trunc(opts.detachLastCallEvery ?? 0));
  const lastCall = Math.floor((opts.spansPerSession - 1) / 2) * 2;
  const detached = detachEvery > 0 ? `s.i % ${detachEvery} = 0 AND j = ${lastCall}` : 'false';
  await run(`CREATE TABLE spans AS SELECT ${spanCols} FROM (SELECT
      s.trace_id, md5(s.i || '-' || j)[1:16] AS span_id, NULL::VARCHAR AS parent_span_id,
      CASE WHEN j % 2 = 0 THEN 'chat ' || model ELSE 'execute_tool search' END AS name,
      CASE WHEN j % 2 = 0 THEN 'CLIENT' ELSE 'INTERNAL' END AS kind,
      'bench-app' AS service_name, 'parley-synthetic' AS scope_name,
      t0 + to_microseconds(j * 3000000 + (hash(s.i, j) % 1000)::BIGINT) AS start_time,
      start_time + to_microseconds((500000 + hash(j, s.i) % 2000000)::BIGINT) AS end_time,
      epoch_us(end_time - start_time) / 1000.0 AS duration_ms,
      CASE WHEN hash(s.i, j, 7) % 40 = 0 THEN 'ERROR' ELSE 'OK' END AS status_code,
      CASE WHEN status_code = 'ERROR' THEN 'rate limited' END AS status_message,
      CASE WHEN status_code = 'ERROR' THEN 'RateLimitError' END AS error_type,
      CASE WHEN ${detached} THEN NULL ELSE s.session_id END AS session_id,
      CASE WHEN NOT (${detached}) AND s.session_id IS NOT NULL THEN 'gen_ai.conversation.id' END AS session_source,
      'user-' || (s.i % 997) AS user_id,
      CASE WHEN j % 2 = 0 THEN 'chat' ELSE 'execute_tool' END AS operation,
      CASE WHEN j % 2 = 0 THEN 'openai' END AS provider,
      CASE WHEN j % 2 = 0 THEN model END AS request_model,
      CASE WHEN j % 2 = 0 THEN model END AS response_model,
      CASE WHEN j % 2 = 0 THEN model END AS model,
      CASE WHEN j % 2 = 0 THEN (200 + j * 150 + hash(s.i, j) % 100)::BIGINT END AS input_tokens,
      CASE WHEN j % 2 = 0 THEN (20 + hash(j, s.i, 3) % 400)::BIGINT END AS output_tokens,
      CASE WHEN j % 2 = 0 THEN (j * 100)::BIGINT END AS cached_input_tokens,
      CASE WHEN j % 2 = 0 THEN 0::BIGINT END AS cache_creation_input_tokens,
      NULL::BIGINT AS reasoning_tokens,
      CASE WHEN j % 2 = 0 AND model <> 'house-model-x' THEN input_tokens * 2.5e-6 END AS input_cost_usd,
      CASE WHEN j % 2 = 0 AND model <> 'house-model-x' THEN output_tokens * 1e-5 END AS output_cost_usd,
      input_cost_usd + output_cost_usd AS total_cost_usd,
      CASE WHEN input_cost_usd IS NOT NULL THEN 'price-table' END AS cost_source,
      CASE WHEN input_cost_usd IS NOT NULL THEN 'genai-prices@0.1.8' END AS price_version,
      j % 2 = 0 AS is_llm_call, 'otel-genai' AS convention,
      CASE WHEN j % 2 = 0 THEN ['stop'] END AS finish_reasons, NULL::VARCHAR AS problems,
      '{"gen_ai.operation.name":"' || operation || '","gen_ai.request.model":"' || coalesce(model, '') || '","http.url":"https://api.example.com/v1/chat/completions","request.id":"' || md5(s.i || 'r' || j) || '"}' AS attributes,
      '{"service.name":"bench-app","telemetry.sdk.language":"nodejs","host.name":"bench-host"}' AS resource_attributes,
      '[]' AS events
    FROM s, range(${opts.spansPerSession}) r(j))`);
  const msgCols = MESSAGES_COLUMNS.map((c) => c.name).join(', ');
  // Call k re-sends the whole history: system, then user/assistant pairs, then the new user turn.
  await run(`CREATE TABLE messages AS SELECT ${msgCols} FROM (SELECT
      sp.session_id, sp.trace_id, sp.span_id, sp.start_time, m::INTEGER AS seq,
      CASE WHEN m = 2 * k + 2 THEN 'output' ELSE 'input' END AS direction,
      CASE WHEN m = 0 THEN 'system' WHEN m = 2 * k + 2 OR m % 2 = 0 THEN 'assistant' ELSE 'user' END AS role,
      CASE WHEN m = 0 THEN 'You are a careful assistant for order support. Answer briefly.'
           WHEN role = 'user' THEN 'Question ' || (m // 2) || ' about order ' || md5(sp.trace_id || (m // 2))[1:8] || ': ' || repeat(md5(sp.trace_id || 'u' || m), 2)
           ELSE 'Answer ' || (m // 2) || ': ' || repeat(md5(sp.trace_id || 'a' || (m // 2)), 3) END AS content,
      NULL::VARCHAR AS parts, NULL::VARCHAR AS tool_call_id, NULL::VARCHAR AS tool_name,
      CASE WHEN direction = 'output' THEN 'stop' END AS finish_reason, sp.model,
      md5(role || content) AS content_hash, 'span_attribute' AS source
    FROM (SELECT *, row_number() OVER (PARTITION BY trace_id ORDER BY start_time) - 1 AS k
          FROM spans WHERE is_llm_call) sp, range(2 * sp.k + 3) r(m))`);
  const sessCols = SESSIONS_COLUMNS.map((c) => c.name).join(', ');
  await run(`CREATE TABLE sessions AS SELECT ${sessCols}, date, hour FROM (SELECT
      session_id, CASE WHEN session_id IS NULL THEN trace_id END AS trace_id,
      min(start_time) AS first_time, max(end_time) AS last_time, count(*) AS spans,
      count(*) FILTER (is_llm_call) AS llm_calls,
      coalesce(sum(input_tokens) FILTER (is_llm_call), 0) AS input_tokens,
      coalesce(sum(output_tokens) FILTER (is_llm_call), 0) AS output_tokens,
      coalesce(sum(cached_input_tokens) FILTER (is_llm_call), 0) AS cached_input_tokens,
      coalesce(sum(reasoning_tokens) FILTER (is_llm_call), 0) AS reasoning_tokens,
      sum(total_cost_usd) FILTER (is_llm_call) AS total_cost_usd,
      count(*) FILTER (is_llm_call AND total_cost_usd IS NULL) AS unpriced_calls,
      count(*) FILTER (is_llm_call AND status_code = 'ERROR') AS errors,
      coalesce(list_sort(list_distinct(list(model) FILTER (is_llm_call AND model IS NOT NULL))), []) AS models,
      any_value(user_id) AS user_id, any_value(service_name) AS service_name,
      any_value(${sessionKeyHashSql('session_id', 'trace_id')}) AS session_key,
      strftime(start_time, '%Y-%m-%d') AS date, strftime(start_time, '%H') AS hour
    FROM spans GROUP BY ALL)`);
  const tables: Array<[TableName, string]> = [
    ['spans', spanCols],
    ['messages', msgCols],
    ['sessions', sessCols],
  ];
  const daily = opts.sessionsPartition === 'day';
  for (const [table, cols] of tables) {
    const partition =
      table === 'sessions'
        ? `SELECT ${cols}, date${daily ? '' : ', hour'} FROM sessions ORDER BY ${daily ? 'first_time, session_id' : 'session_id, first_time'}`
        : `SELECT ${cols}, strftime(start_time, '%Y-%m-%d') AS date, strftime(start_time, '%H') AS hour FROM ${table} ORDER BY session_id, start_time`;
    const compression = table === 'sessions' ? (opts.sessionsCompression ?? 'zstd') : 'zstd';
    const by = table === 'sessions' && daily ? 'date' : 'date, hour';
    await run(`COPY (${partition}) TO '${join(root, table)}' (FORMAT parquet, COMPRESSION ${compression},
      PARTITION_BY (${by}), ROW_GROUP_SIZE ${opts.rowGroupSize}, FILENAME_PATTERN 'w0-{i}', OVERWRITE_OR_IGNORE)`);
  }
  const files: ManifestFile[] = [];
  for (const [table] of tables) {
    const paths = (await readdir(join(root, table), { recursive: true }))
      .filter((p) => p.endsWith('.parquet'))
      .sort();
    for (const p of paths) {
      const abs = join(root, table, p);
      const timeCols =
        table === 'sessions'
          ? ['first_time', 'last_time']
          : ['start_time', table === 'spans' ? 'end_time' : 'start_time'];
      const reader =
        await con.runAndReadAll(`SELECT count(*)::DOUBLE, strftime(min(${timeCols[0]}), '%Y-%m-%dT%H:%M:%S.%fZ'),
          strftime(max(${timeCols[1]}), '%Y-%m-%dT%H:%M:%S.%fZ'), min(session_id), max(session_id),
          ${table === 'messages' ? '[]' : table === 'sessions' ? 'list_sort(list_distinct(flatten(list(models))))' : 'list_sort(list_distinct(list(model)))'}
        FROM read_parquet('${abs}', hive_partitioning = false)`);
      const row = reader.getRowsJS()[0] ?? [];
      files.push({
        table,
        path: relative(root, abs).split(sep).join('/'),
        rows: Number(row[0]),
        bytes: (await stat(abs)).size,
        min_time: String(row[1]),
        max_time: String(row[2]),
        min_session_id: (row[3] as string | null) ?? null,
        max_session_id: (row[4] as string | null) ?? null,
        models: (row[5] as string[] | null) ?? [],
      });
    }
  }
  con.closeSync();
  db.closeSync();
  const manifest: Manifest = { schema_version: SCHEMA_VERSION, updated_at: new Date().toISOString(), files };
  await writeFile(join(root, 'manifest.json.tmp'), JSON.stringify(manifest, null, 1));
  await rename(join(root, 'manifest.json.tmp'), join(root, 'manifest.json'));
  return manifest;
}
