/**
 * What of the open source is loaded into DuckDB, and loading more on demand: session summaries of
 * the files a time range needs, and one session's spans and messages (row groups pruned by
 * statistics, rows filtered to the session). Loads are shared by concurrent callers and cached
 * until the source changes.
 */
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { MESSAGES_COLUMNS, SESSIONS_COLUMNS, SPANS_COLUMNS, type TableName } from '@parley/shared/schema';
import { sessionRowsFast, type SessionRows } from '@parley/shared/session-fast';
import { createFastSessions, type FastSessions, type RowSelection } from '@parley/shared/sessions-page-fast';
import { CREATE_SESSION_ROLLUP_SQL } from '@parley/shared/sql/filters';
import { parseSessionKey } from '@parley/shared/sql/query';
import { spanSummariesSql } from '@parley/shared/sql/span-summaries';
import type { SessionsPage, ViewState } from '@parley/shared/view';
import { WHOLE_FILE_BYTES } from './byte-source.ts';
import type { DuckSide } from './duck-ops.ts';
import type { ParquetOps } from './parquet-ops.ts';
import type { CandidateRows } from './ipc-rows.ts';
import { CHART_SPANS_TABLE } from './engine-tables.ts';
import { filesForSession, filesInRange, type CatalogFile } from './manifest.ts';
import {
  decodeGroups,
  decodeRows,
  decodeWhole,
  readColumns,
  readMetadata,
  selectRows,
  type ColumnBatch,
} from './parquet-read.ts';
import { candidateGroups, candidateRanges, type GroupFilter } from './row-groups.ts';
import { readSpanRaw, type SpanRaw, type SpanRef } from './span-raw.ts';
import type { OpenedSource } from './source.ts';
import { loadRange, type UsRange } from './time-range.ts';

export interface LoadEvents {
  load(message: string): void;
  /** A step of the cold start reached (a performance mark). */
  mark(name: string): void;
  /** A session needs DuckDB (its rows or queries): start it if it waits. */
  needDuck(): void;
  /**
   * Resolves when DuckDB starts. Files are converted for it from then on: on the cold path,
   * compiling parquet-wasm and converting the summaries competed with the first page for the CPU.
   */
  duckStarted: Promise<void>;
  /** parquet-wasm once compiled; null before (asking does not start it). */
  parquetReady(): ParquetOps | null;
}

const LIGHT_SPAN_COLUMNS = SPANS_COLUMNS.filter((c) => !c.heavy).map((c) => c.name);
const MESSAGE_COLUMNS = MESSAGES_COLUMNS.map((c) => c.name);
/** What the page, model list and chart read: the rest of a summary row is never shown. */
const SESSION_COLUMNS = SESSIONS_COLUMNS.map((c) => c.name).filter(
  (c) => !['reasoning_tokens', 'user_id', 'service_name', 'session_key'].includes(c),
);
const PARALLEL_FILES = 6;
const MARGIN_US = 5 * 60e6;
/**
 * Summary rows up to which the JavaScript index keeps every page column in memory (~100 bytes a
 * row decoded) to serve pages once DuckDB is up; past it, DuckDB serves them.
 */
const MAX_INDEX_ROWS = 1_000_000;

/** Session summaries computed from loaded spans, for sources that have no sessions files. */
/** Hour rows, as the collector writes them: the chart places a row's calls at its first time. */
const DERIVE_SESSIONS_SQL = `INSERT INTO sessions ${spanSummariesSql('spans', 'hour')}`;

/** Runs at most `max` tasks at a time (fetch + decode of files). */
function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    running--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        running++;
        task().then(resolve, reject).finally(release);
      };
      if (running < max) start();
      else queue.push(start);
    });
}

interface SummaryIndex {
  /** The summary files it covers, in load order, joined by newlines (as loadedKey()). */
  paths: string;
  sessions: FastSessions;
}

export interface SessionLoad {
  /**
   * The session's calls and messages, computed from its rows when that is exact
   * (session-fast.ts); else null, and its rows are in DuckDB for the session queries.
   */
  rows: SessionRows | null;
  /** Whether some of its spans are stored without the session id (the queries then inherit it). */
  inherit: boolean;
}

export interface Loader {
  /** Summaries (sessions table) for every file overlapping the range, in DuckDB; null = all. */
  ensureSummaries(range: UsRange | null): Promise<void>;
  /**
   * While DuckDB has not loaded the summaries the view needs: the page computed in JavaScript from
   * the decoded summaries (the same page the SQL gives). null once DuckDB can answer, or when the
   * fast path cannot be exact for this view.
   */
  fastSessionsPage(view: ViewState, nowUs: number): Promise<SessionsPage | null>;
  /** The span files of the range, whole, in DuckDB's chart_spans: for a short range's chart. */
  ensureChartSpans(range: UsRange | null): Promise<void>;
  /** The session's spans and messages: its calls and messages, or loaded into DuckDB. */
  ensureSession(key: string): Promise<SessionLoad>;
  /** One span's raw attributes, resource attributes and events; null when no file holds it. */
  spanRaw(ref: SpanRef): Promise<SpanRaw | null>;
  /** Data extent of the source, µs. */
  extent(): { minUs: number; maxUs: number } | null;
}

/**
 * `tables()` resolves once DuckDB is up with empty tables for this source, so reading and decoding
 * Parquet overlaps the engine's start. `isCurrent` turns false when another source is opened:
 * nothing is inserted into the new source's tables after that.
 */
export function createLoader(
  source: OpenedSource,
  tables: () => Promise<DuckSide>,
  parquet: () => Promise<ParquetOps>,
  isCurrent: () => boolean,
  events: LoadEvents,
): Loader {
  // Inserts and queries are for sessions (and sources without summaries): they need DuckDB now.
  const insert = async (table: TableName, batch: ColumnBatch): Promise<void> => {
    events.needDuck();
    const { duck, ops } = await tables();
    await ops.insertBatch(duck, table, batch, isCurrent);
  };
  const query = async (sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> => {
    events.needDuck();
    return tables().then(({ duck, ops }) => ops.queryRows(duck, sql, params));
  };
  const metadata = new Map<string, Promise<FileMetaData>>(
    [...source.knownMetadata].map(([path, m]) => [path, Promise.resolve(m)]),
  );
  const fileLoads = new Map<string, Promise<void>>();
  const sessionLoads = new Map<string, Promise<SessionLoad>>();
  const derived = !source.files.some((f) => f.table === 'sessions');
  /** Bytes of the loaded summary files, which the JavaScript indexes decode. */
  const summaryBytes = new Map<string, Promise<ArrayBuffer>>();
  /** Summary files in DuckDB with the rollup rebuilt over them. */
  const inDuck = new Set<string>();
  /** The JavaScript index that answers before DuckDB holds the summaries (cold start). */
  let fast: SummaryIndex | null = null;
  /** The warm index that answers once DuckDB holds them, for the files it covers. */
  let served: SummaryIndex | null = null;
  /** The index being warmed. */
  let warming: SummaryIndex | null = null;
  let summariesAll: Promise<void> | null = null;
  /**
   * A session's totals sum its summary rows, one per day it was active; loaded for the range's
   * days only, a session that continues past them showed the days loaded so far, so one link
   * gave other totals than the same view reached by changing the range. Every summary file is
   * loaded as long as the JavaScript index could hold them all.
   */
  const wholeSummaries =
    source.files.reduce((n, f) => n + (f.table === 'sessions' ? f.rows : 0), 0) <= MAX_INDEX_ROWS;
  const summaryRange = (range: UsRange | null): UsRange | null => (wholeSummaries ? null : range);
  const limit = createLimiter(PARALLEL_FILES);

  const metadataOf = (f: CatalogFile): Promise<FileMetaData> => {
    let m = metadata.get(f.path);
    if (!m) {
      m = readMetadata(source.byteSource(f.path), f.path);
      metadata.set(f.path, m);
      m.catch(() => metadata.delete(f.path));
    }
    return m;
  };

  /**
   * Loads whole files of a table (light columns) once each, in one insert per call; resolves to
   * how many were new.
   */
  const loadFiles = async (
    files: readonly CatalogFile[],
    table: TableName,
    columns: readonly string[],
  ): Promise<number> => {
    const fresh = files.filter((f) => !fileLoads.has(f.path));
    if (fresh.length > 0) {
      events.load(`Loading ${fresh.length} ${table} file${fresh.length === 1 ? '' : 's'}`);
      const streams = fresh.map((f) => {
        const file = source.byteSource(f.path);
        // Summaries are all requested at once: the browser queues what exceeds its connections,
        // whereas the limiter's slots only free up when this worker, busy decoding the first files,
        // gets to run their callbacks (the last day's file used to start ~300 ms late).
        const read = async (): Promise<ArrayBuffer> => file.slice(0, file.byteLength);
        const bytes = table === 'sessions' ? read() : limit(read);
        // Kept for the JavaScript indexes: the cold one decodes them while DuckDB starts.
        if (table === 'sessions') summaryBytes.set(f.path, bytes);
        return Promise.all([bytes, events.duckStarted]).then(async ([b]) =>
          (await parquet()).fileToIpc(b, columns, f.path),
        );
      });
      const load = Promise.all(streams).then(async (s) => {
        const { duck, ops } = await tables();
        await ops.insertIpc(duck, table, s, isCurrent);
      });
      for (const f of fresh) fileLoads.set(f.path, load);
      load.catch(() => {
        for (const f of fresh) {
          fileLoads.delete(f.path);
          summaryBytes.delete(f.path);
        }
      });
    }
    await Promise.all(files.map((f) => fileLoads.get(f.path)));
    return fresh.length;
  };

  /** Span files loaded whole into chart_spans, once each (apart from fileLoads: see engine-tables.ts). */
  const chartLoads = new Map<string, Promise<void>>();
  const ensureChartSpans = async (range: UsRange | null): Promise<void> => {
    events.needDuck();
    await Promise.all(
      filesInRange(source.files, 'spans', range).map((f) => {
        let load = chartLoads.get(f.path);
        if (!load) {
          const file = source.byteSource(f.path);
          load = Promise.all([limit(async () => file.slice(0, file.byteLength)), events.duckStarted]).then(
            async ([bytes]) => {
              const ipc = await (await parquet()).fileToIpc(bytes, LIGHT_SPAN_COLUMNS, f.path);
              const { duck, ops } = await tables();
              await ops.insertIpc(duck, CHART_SPANS_TABLE, [ipc], isCurrent);
            },
          );
          chartLoads.set(f.path, load);
          load.catch(() => chartLoads.delete(f.path));
        }
        return load;
      }),
    );
  };

  /** The per-session rollup the page queries read, rebuilt whenever more files were loaded. */
  let rollup: Promise<void> | null = null;
  let rolledFiles = -1;
  const refreshRollup = (): Promise<void> => {
    if (rollup && rolledFiles === fileLoads.size) return rollup;
    rolledFiles = fileLoads.size;
    const build = async (): Promise<void> => {
      if (derived) {
        await query('DELETE FROM sessions');
        await query(DERIVE_SESSIONS_SQL);
      }
      await query(CREATE_SESSION_ROLLUP_SQL);
    };
    rollup = (rollup ?? Promise.resolve()).then(build, build);
    return rollup;
  };
  const ensureSummaries = async (requested: UsRange | null): Promise<void> => {
    const range = derived ? requested : summaryRange(requested);
    if (summariesAll) return summariesAll;
    const work = (
      derived
        ? loadFiles(filesInRange(source.files, 'spans', range), 'spans', LIGHT_SPAN_COLUMNS)
        : loadFiles(filesInRange(source.files, 'sessions', range), 'sessions', SESSION_COLUMNS)
    ).then(refreshRollup);
    if (range === null) {
      summariesAll = work;
      // Failed (the host away while the engine loaded), the files are loaded anew next time; kept,
      // every later view found no file loading and was answered from none: "No sessions".
      work.catch(() => {
        if (summariesAll === work) summariesAll = null;
      });
    }
    await work;
    if (derived) return;
    if (inDuck.size === 0) events.mark('engine:summaries-in-duckdb');
    for (const f of filesInRange(source.files, 'sessions', range)) inDuck.add(f.path);
    refreshIndex();
  };

  /** An index over summary files (in load order), reading their kept bytes. */
  const indexOver = (paths: readonly string[]): SummaryIndex | null => {
    const bytes = paths.map((p) => summaryBytes.get(p));
    if (bytes.some((b) => b === undefined)) return null;
    // Each file is decoded as soon as its bytes arrive.
    const files = (bytes as Promise<ArrayBuffer>[]).map((b, i) =>
      b.then((buffer) => summaryFile(buffer, paths[i] as string)),
    );
    const sessions = createFastSessions(files.length, async (columns, rows) => {
      const read = await Promise.all(files.map(async (f, i) => (await f).read(columns, rows[i] ?? [])));
      events.mark(`engine:fast-read ${columns.length === 1 ? columns[0] : `${columns.length} columns`}`);
      return read;
    });
    return { paths: paths.join('\n'), sessions };
  };

  /**
   * DuckDB can answer once it holds the summaries, but the JavaScript index over the same files,
   * with every page column decoded, changes a filter in ~6 ms where DuckDB-WASM took ~55
   * (bench-viewer, 2026-11-26). So an index over what is loaded (the cold one, or a new one when
   * a time range has loaded more files) is warmed in the background and serves once warm.
   */
  const refreshIndex = (): void => {
    const key = loadedKey();
    const cold = fast;
    fast = null;
    if (served?.paths === key || warming?.paths === key) return;
    if (summaryRows() > MAX_INDEX_ROWS) {
      // No index past this size: DuckDB answers, and the bytes kept for one can go.
      summaryBytes.clear();
      return;
    }
    const index = cold?.paths === key ? cold : indexOver([...fileLoads.keys()]);
    if (!index) return;
    warming = index;
    events.mark('engine:index-warming');
    index.sessions.warm().then(
      () => {
        if (warming === index) warming = null;
        if (loadedKey() !== key) return;
        served = index;
        events.mark('engine:index-warm');
      },
      () => {
        if (warming === index) warming = null;
      },
    );
  };

  const summaryRows = (): number =>
    source.files.reduce((n, f) => n + (f.table === 'sessions' && fileLoads.has(f.path) ? f.rows : 0), 0);

  /** The summary files loaded or loading, in load order (DuckDB's rollup holds these). */
  const loadedKey = (): string => [...fileLoads.keys()].join('\n');

  const fastSessionsPage = async (view: ViewState, nowUs: number): Promise<SessionsPage | null> => {
    if (derived) return null;
    const range = summaryRange(loadRange(view.time, nowUs));
    if (filesInRange(source.files, 'sessions', range).every((f) => inDuck.has(f.path)))
      return served && served.paths === loadedKey() ? served.sessions.page(view, nowUs) : null;
    // Starts fetching and decoding (and loading DuckDB once it is up); its failure is the page's.
    const loading = ensureSummaries(range);
    loading.catch(() => undefined);
    // DuckDB's rollup will hold every summary file loaded so far: so must this one.
    const paths = [...fileLoads.keys()];
    const bytes = paths.map((p) => summaryBytes.get(p));
    if (inDuck.size > 0 || bytes.some((b) => b === undefined)) return null;
    if (fast?.paths !== loadedKey()) {
      void Promise.all(bytes).then(
        () => events.mark('engine:summaries-fetched'),
        () => undefined,
      );
      fast = indexOver(paths);
    }
    return fast ? fast.sessions.page(view, nowUs) : null;
  };

  /** The session's time extent from the loaded summaries (all summaries are loaded if needed). */
  const sessionExtent = async (key: string): Promise<UsRange | null> => {
    // An index over the same summaries knows it without DuckDB, which may not even be up.
    const index = [served, warming, fast].find((i) => i?.paths === loadedKey());
    const known = index ? await index.sessions.extent(key) : null;
    if (known) return known;
    const k = parseSessionKey(key);
    // Not the key expression: concatenating 100k trace ids to compare one key cost ~15 ms.
    const sql = `SELECT epoch_us(min(first_time)) AS f, epoch_us(max(last_time)) AS l FROM sessions WHERE ${
      k.kind === 'session'
        ? 'session_id = CAST(? AS VARCHAR)'
        : 'session_id IS NULL AND trace_id = CAST(? AS VARCHAR)'
    }`;
    const id = k.kind === 'session' ? k.sessionId : k.traceId;
    let rows = await query(sql, [id]);
    if (rows[0]?.f === null || rows[0]?.f === undefined) {
      await ensureSummaries(null);
      rows = await query(sql, [id]);
    }
    const f = rows[0]?.f;
    const l = rows[0]?.l;
    return typeof f === 'number' && typeof l === 'number' ? { fromUs: f, toUs: l } : null;
  };

  /**
   * Inserts the session's rows of one table. With `orphans`, also rows without a session id whose
   * trace belongs to the session (the collector inherits session ids only within a batch).
   * Resolves to whether such orphan rows were found.
   */
  const loadSessionRows = async (
    table: 'spans' | 'messages',
    key: string,
    extent: UsRange | null,
    orphans: boolean,
  ): Promise<boolean> => {
    if (derived && table === 'spans') {
      const { sid, files } = sessionScope(table, key, extent, orphans);
      // Without summaries, spans files are loaded whole, once each: this session's rows alone
      // would be loaded a second time with their file once a time range needs it.
      await loadFiles(files, 'spans', LIGHT_SPAN_COLUMNS);
      if (sid === null || !orphans) return false;
      const [row] = await query(
        `SELECT count(*) AS n FROM spans WHERE session_id IS NULL AND trace_id IN (SELECT trace_id FROM spans WHERE session_id = CAST(? AS VARCHAR))`,
        [sid],
      );
      return Number(row?.n ?? 0) > 0;
    }
    const read = await readSessionRows(table, key, extent, orphans);
    await insert(table, read.rows);
    return read.orphans;
  };

  /**
   * Where the session's rows of a table may be: its files, the time window of their starts, and
   * whether rows without a session id are candidates (with `orphans`, or for a trace key).
   */
  const sessionScope = (
    table: 'spans' | 'messages',
    key: string,
    extent: UsRange | null,
    orphans: boolean,
  ): {
    sid: string | null;
    traceId: string | null;
    window: UsRange;
    withNulls: boolean;
    files: CatalogFile[];
  } => {
    const k = parseSessionKey(key);
    const sid = k.kind === 'session' ? k.sessionId : null;
    const traceId = k.kind === 'trace' ? k.traceId : null;
    const everywhere: UsRange = { fromUs: Number.MIN_SAFE_INTEGER, toUs: Number.MAX_SAFE_INTEGER };
    // The summaries bound the session's span starts; the margin keeps spans of its traces that
    // arrived without the session id (their start can lie just outside).
    const window = extent ? { fromUs: extent.fromUs - MARGIN_US, toUs: extent.toUs + MARGIN_US } : everywhere;
    const withNulls = sid === null || orphans;
    const files = source.files.filter((f) => {
      if (filesForSession([f], table, sid, window).length > 0) return true;
      return withNulls && filesForSession([f], table, null, window).length > 0;
    });
    return { sid, traceId, window, withNulls, files };
  };

  /**
   * The session's rows of one table as loadSessionRows picks them (row groups pruned by
   * statistics, rows filtered to the session), and whether rows without its id were among them.
   */
  const readSessionRows = async (
    table: 'spans' | 'messages',
    key: string,
    extent: UsRange | null,
    orphans: boolean,
  ): Promise<{ rows: ColumnBatch; orphans: boolean }> => {
    const { sid, traceId, window, withNulls, files } = sessionScope(table, key, extent, orphans);
    const columns = table === 'spans' ? LIGHT_SPAN_COLUMNS : MESSAGE_COLUMNS;
    const batches: ColumnBatch[] = [];
    const groupFilters: GroupFilter[] = [
      ...(sid !== null ? [{ sessionId: sid, time: window, timeColumn: 'start_time' }] : []),
      ...(withNulls ? [{ sessionId: null, time: window, timeColumn: 'start_time' }] : []),
    ];
    // The rows that can belong to the session; which id-less rows do is known once all are read.
    const candidate: CandidateRows = { sessionId: sid, nulls: withNulls, traceId };
    await Promise.all(
      files.map((f) =>
        limit(async () => {
          const m = await metadataOf(f);
          const file = source.byteSource(f.path);
          const ops = events.parquetReady();
          // Small files are fetched whole anyway: their candidate groups decode faster in wasm,
          // once it is compiled. Before (a link that opens a conversation, a session opened right
          // after the first page), waiting for its 5 MB download and compile took ~1 s.
          if (f.bytes <= WHOLE_FILE_BYTES) {
            const groups = [...new Set(groupFilters.flatMap((g) => candidateGroups(m, g)))].sort(
              (a, b) => a - b,
            );
            if (groups.length === 0) return;
            if (!ops) {
              // In memory already: the flat reader decodes without hyparquet's per-value list
              // assembly (a long session's ~90,000 message rows read ~20 % faster in Node).
              batches.push(await decodeGroups(file, m, columns, new Set(groups)));
              return;
            }
            const bytes = await file.slice(0, file.byteLength);
            const stream = await ops.fileToIpc(bytes, columns, f.path, groups);
            batches.push(ops.selectIpcRows(stream, candidate));
            return;
          }
          const ranges = mergeRanges(groupFilters.flatMap((g) => candidateRanges(m, g)));
          if (ranges.length > 0) batches.push(await readColumns(file, m, columns, ranges));
        }),
      ),
    );
    const traces = new Set<string>(traceId !== null ? [traceId] : []);
    for (const b of batches) {
      const s = b.columns.session_id ?? [];
      const t = b.columns.trace_id ?? [];
      for (let i = 0; i < b.length; i++) if (sid !== null && s[i] === sid) traces.add(String(t[i]));
    }
    let orphanFound = false;
    const rows = selectRows(batches, columns, (b, i) => {
      const s = b.columns.session_id?.[i];
      if (sid !== null && s === sid) return true;
      const orphan = withNulls && s === null && traces.has(String(b.columns.trace_id?.[i]));
      if (orphan && sid !== null) orphanFound = true;
      return orphan;
    });
    return { rows, orphans: orphanFound };
  };

  const ensureSession = (key: string): Promise<SessionLoad> => {
    let p = sessionLoads.get(key);
    if (!p) {
      p = (async () => {
        const extent = await sessionExtent(key);
        events.load('Loading the conversation');
        if (!derived) {
          const [spans, messages] = await Promise.all([
            readSessionRows('spans', key, extent, true),
            readSessionRows('messages', key, extent, false),
          ]);
          // Computed here when exact: DuckDB then neither stores these rows nor runs the queries.
          const rows = spans.orphans ? null : sessionRowsFast(key, spans.rows, messages.rows);
          if (rows) {
            events.mark('engine:session-rows');
            return { inherit: false, rows };
          }
          await Promise.all([insert('spans', spans.rows), insert('messages', messages.rows)]);
          if (spans.orphans) await loadOrphanMessages(key, extent);
          return { inherit: spans.orphans, rows: null };
        }
        const [spanOrphans] = await Promise.all([
          loadSessionRows('spans', key, extent, true),
          loadSessionRows('messages', key, extent, false),
        ]);
        // Messages of calls whose spans lacked the session id are stored without it too.
        if (spanOrphans) await loadOrphanMessages(key, extent);
        return { inherit: spanOrphans, rows: null };
      })();
      sessionLoads.set(key, p);
      p.catch(() => sessionLoads.delete(key));
    }
    return p;
  };

  /** Second pass for messages when the session has spans stored without its id. */
  const loadOrphanMessages = async (key: string, extent: UsRange | null): Promise<void> => {
    const rows = await query(`SELECT DISTINCT trace_id FROM spans WHERE session_id = CAST(? AS VARCHAR)`, [
      key,
    ]);
    for (const r of rows) {
      await loadSessionRows('messages', `trace:${String(r.trace_id)}`, extent, true);
    }
  };

  const extent = (): { minUs: number; maxUs: number } | null => {
    const real = source.files.filter(
      (f) => f.minUs > Number.MIN_SAFE_INTEGER && f.maxUs < Number.MAX_SAFE_INTEGER,
    );
    if (real.length === 0) return null;
    return { minUs: Math.min(...real.map((f) => f.minUs)), maxUs: Math.max(...real.map((f) => f.maxUs)) };
  };

  // The files' footers are those the session's read cached: opening a call's details reads its row.
  const spanRaw = (ref: SpanRef): Promise<SpanRaw | null> =>
    readSpanRaw(source.files, (f) => ({ file: source.byteSource(f.path), metadata: metadataOf(f) }), ref);

  return { ensureSummaries, fastSessionsPage, ensureChartSpans, ensureSession, spanRaw, extent };
}

/** A summary file in memory: its row count, and its columns for all or some rows. */
async function summaryFile(
  bytes: ArrayBuffer,
  path: string,
): Promise<{ rows: number; read: (columns: readonly string[], rows: RowSelection) => Promise<ColumnBatch> }> {
  const file: AsyncBuffer = { byteLength: bytes.byteLength, slice: (s, e) => bytes.slice(s, e) };
  const metadata = await readMetadata(file, path);
  return {
    rows: Number(metadata.num_rows),
    read: (columns, rows) =>
      rows === 'all' ? decodeWhole(file, metadata, columns) : decodeRows(file, metadata, columns, rows),
  };
}

function mergeRanges(ranges: { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}
