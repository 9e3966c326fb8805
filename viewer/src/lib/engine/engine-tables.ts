/**
 * The tables the engine keeps in DuckDB-WASM: the contract's three, and `chart_spans`, whole span
 * files a short range's chart reads (see chartReadsSpans). Those stay apart from `spans`, which
 * holds the rows of opened sessions: a file loaded whole there would count them twice.
 */
import { TABLES } from '@parley/shared/schema';
import type { Column } from '@parley/shared/schema';
import type { SpansTable } from '@parley/shared/sql/trace-session';

export const CHART_SPANS_TABLE: SpansTable = 'chart_spans';

export const ENGINE_TABLES: Readonly<Record<keyof typeof TABLES | 'chart_spans', readonly Column[]>> = {
  ...TABLES,
  chart_spans: TABLES.spans,
};

export type EngineTable = keyof typeof ENGINE_TABLES;
