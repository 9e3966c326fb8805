/** SQL builders for the viewer (DuckDB-WASM) and tests/benchmarks (native DuckDB). */
export { type SqlParam, type SqlQuery, type SessionKey, parseSessionKey, TRACE_KEY_PREFIX } from './query.ts';
export { resolveTimeRange, chooseBucketUs, seriesBucketUs, RELATIVE_RANGE_US } from './time.ts';
export { sessionsPage, sessionsAll, modelCounts } from './sessions.ts';
export {
  CREATE_SESSION_ROLLUP_SQL,
  SESSION_ROLLUP_TABLE,
  SESSION_ROLLUP_SELECT,
  type SourceOptions,
} from './filters.ts';
export { sessionCalls, sessionMessages, sessionTotals } from './session.ts';
export { timeseries, type TimeseriesQuery } from './timeseries.ts';
export { summaryTimeseries } from './summary-timeseries.ts';
export { sqlForCli, quoteLiteral, inlineParams } from './cli.ts';
export {
  type ResultRow,
  mapSessionsPage,
  mapModelCounts,
  mapTimeBuckets,
  mapCalls,
  mapMessages,
  mapSessionTotals,
  type SessionTotals,
} from './rows.ts';
