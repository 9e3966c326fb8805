/**
 * Opens a data source into a catalog of Parquet files with their time and session-id ranges, and a
 * byte source per file: the collector's /data, a snapshot URL (manifest), a single Parquet URL, or
 * dropped files (Parquet files, or a snapshot folder with its manifest.json).
 */
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import type { EngineError, SourceCheck, SourceSpec } from './api.ts';
import { byteLengthOfUrl, fetchChecked, fileSource, urlSource, type FetchCounter } from './byte-source.ts';
import { EngineFailure } from './errors.ts';
import { matchManifest, missingFilesError } from './local-files.ts';
import { compareCatalogs, MANIFEST_NOT_JSON, parseManifest, type CatalogFile } from './manifest.ts';
import { columnNames, guessTable, readMetadata } from './parquet-read.ts';

export interface OpenedSource {
  label: string;
  shareable: boolean;
  schemaVersion: number;
  files: CatalogFile[];
  /** Base URL that catalog paths are relative to (remote sources only). */
  baseUrl?: string;
  /** The manifest URL's query (`?…`, or ''), which every file is fetched with (remote sources only). */
  fileQuery?: string;
  byteSource(path: string): AsyncBuffer;
  /** Footers already read while opening (single files), to avoid reading them twice. */
  knownMetadata: Map<string, FileMetaData>;
  /** Why picked files were left out (not readable Parquet tables), one sentence each. */
  skipped?: readonly string[];
  /** Reads the manifest again and compares it with `files` (sources that can change only). */
  check?: () => Promise<SourceCheck>;
}

function statRange(metadata: FileMetaData, column: string, pick: 'min' | 'max'): number | null {
  let out: number | null = null;
  for (const g of metadata.row_groups) {
    const s = g.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column)?.meta_data?.statistics;
    const v = pick === 'min' ? (s?.min_value ?? s?.min) : (s?.max_value ?? s?.max);
    if (typeof v !== 'number' && typeof v !== 'bigint') return null;
    const n = Number(v);
    out = out === null ? n : pick === 'min' ? Math.min(out, n) : Math.max(out, n);
  }
  return out;
}

function stringStat(metadata: FileMetaData, column: string, pick: 'min' | 'max'): string | null {
  let out: string | null = null;
  for (const g of metadata.row_groups) {
    const s = g.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column)?.meta_data?.statistics;
    const v = pick === 'min' ? (s?.min_value ?? s?.min) : (s?.max_value ?? s?.max);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return null;
    if (out === null || (pick === 'min' ? v < out : v > out)) out = v;
  }
  return out;
}

/** A catalog entry for a Parquet file that came without a manifest, from its footer. */
export function catalogEntryFromMetadata(
  path: string,
  bytes: number,
  metadata: FileMetaData,
  label: string,
): CatalogFile {
  const table = guessTable(columnNames(metadata));
  if (!table)
    throw new EngineFailure({
      kind: 'not-parquet',
      message: `${label} is Parquet but not a Parley spans, messages or sessions table.`,
    });
  const [minCol, maxCol] =
    table === 'sessions'
      ? ['first_time', 'last_time']
      : ['start_time', table === 'spans' ? 'end_time' : 'start_time'];
  return {
    table,
    path,
    rows: Number(metadata.num_rows),
    bytes,
    minUs: statRange(metadata, minCol ?? 'start_time', 'min') ?? Number.MIN_SAFE_INTEGER,
    maxUs: statRange(metadata, maxCol ?? 'start_time', 'max') ?? Number.MAX_SAFE_INTEGER,
    minSessionId: stringStat(metadata, 'session_id', 'min'),
    maxSessionId: stringStat(metadata, 'session_id', 'max'),
  };
}

/**
 * A file of a snapshot, relative to its manifest's URL and with that URL's query: a token there
 * (a storage account's shared access signature, a CDN's signed folder) grants the whole folder,
 * and without it every file would be refused.
 */
function withQueryOf(path: string, manifestUrl: string): string {
  const url = new URL(path, manifestUrl);
  url.search = new URL(manifestUrl).search;
  return url.href;
}

async function openManifestUrl(
  manifestUrl: string,
  origin: string,
  counter: FetchCounter,
  label: string,
  shareable: boolean,
): Promise<OpenedSource> {
  // Revalidated on every read (it changes as data arrives): a check costs a 304 when it did not.
  const fetchText = async (): Promise<string> =>
    (await fetchChecked(manifestUrl, { cache: 'no-cache' }, origin)).text();
  const parse = (text: string): { files: CatalogFile[]; schemaVersion: number } => {
    const parsed = parseManifest(text);
    if (!parsed.ok) throw new EngineFailure(parsed.error);
    return parsed;
  };
  const openedText = await fetchText();
  counter.bytes += openedText.length;
  counter.onFetched(openedText.length);
  const parsed = parse(openedText);
  const base = new URL('.', manifestUrl);
  const sizes = new Map(parsed.files.map((f) => [f.path, f.bytes]));
  const sources = new Map<string, AsyncBuffer>();
  const gone = (path: string): EngineError => ({
    kind: 'source-changed',
    message: `${path} is missing from ${label} (HTTP 404): merged or expired since it was opened, or never there.`,
  });
  return {
    label,
    shareable,
    schemaVersion: parsed.schemaVersion,
    files: parsed.files,
    baseUrl: base.href,
    fileQuery: new URL(manifestUrl).search,
    byteSource: (path) => {
      let s = sources.get(path);
      if (!s) {
        s = urlSource(withQueryOf(path, manifestUrl), sizes.get(path) ?? 0, origin, counter, gone(path));
        sources.set(path, s);
      }
      return s;
    },
    knownMetadata: new Map(),
    // The same text (most checks) is not parsed again: a manifest of 872 files is 300 KB of JSON.
    check: async () => {
      const text = await fetchText();
      return text === openedText
        ? { rowsAdded: 0, filesChanged: false }
        : compareCatalogs(parsed.files, parse(text).files);
    },
  };
}

async function openParquetUrl(url: string, origin: string, counter: FetchCounter): Promise<OpenedSource> {
  const size = await byteLengthOfUrl(url, origin);
  const source = urlSource(url, size, origin, counter);
  const metadata = await readMetadata(source, url);
  const entry = catalogEntryFromMetadata(url, size, metadata, url);
  return {
    label: url,
    shareable: true,
    schemaVersion: 0,
    files: [entry],
    byteSource: () => source,
    knownMetadata: new Map([[url, metadata]]),
  };
}

/** A dropped or picked file's path inside its folder, or its bare name when it came without one. */
function pickedName(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}

async function openFiles(files: readonly File[]): Promise<OpenedSource> {
  const manifestFile = files.find((f) => pickedName(f).split('/').pop() === 'manifest.json');
  if (manifestFile) {
    const parsed = parseManifest(await manifestFile.text());
    if (!parsed.ok) throw new EngineFailure(parsed.error);
    const parquetPicked = files.filter((f) => /\.parquet$/i.test(f.name));
    const { found, missing } = matchManifest(
      parsed.files.map((f) => f.path),
      parquetPicked,
      pickedName(manifestFile),
      pickedName,
    );
    // Opening what is there would show sessions without their calls, or calls without their cost.
    if (missing.length > 0)
      throw new EngineFailure(missingFilesError(missing, parsed.files.length, parquetPicked.length));
    return {
      label: manifestFile.name.includes('/')
        ? `${manifestFile.name.replace(/manifest\.json$/, '')} folder (local)`
        : 'snapshot files (local)',
      shareable: false,
      schemaVersion: parsed.schemaVersion,
      files: parsed.files,
      byteSource: (path) => fileSource(found.get(path) ?? new Blob()),
      knownMetadata: new Map(),
    };
  }
  const parquet = files.filter((f) => f.name.toLowerCase().endsWith('.parquet') || files.length === 1);
  if (parquet.length === 0)
    throw new EngineFailure({
      kind: 'not-parquet',
      message: 'None of the dropped files is a Parquet file or a manifest.json.',
    });
  const byPath = new Map<string, File>();
  const knownMetadata = new Map<string, FileMetaData>();
  const entries: CatalogFile[] = [];
  // One unreadable file (a copy cut short, another table's file) leaves the others to open, and is
  // named beside them; if none can be read, the first reason is the error.
  const skipped: EngineFailure[] = [];
  for (const [i, f] of parquet.entries()) {
    const path = `${i}/${f.name}`;
    try {
      const metadata = await readMetadata(fileSource(f), f.name);
      entries.push(catalogEntryFromMetadata(path, f.size, metadata, f.name));
      byPath.set(path, f);
      knownMetadata.set(path, metadata);
    } catch (err) {
      if (!(err instanceof EngineFailure)) throw err;
      skipped.push(err);
    }
  }
  if (entries.length === 0 && skipped[0]) throw skipped[0];
  return {
    label: parquet.length === 1 ? `${parquet[0]?.name ?? 'file'} (local)` : `${parquet.length} local files`,
    shareable: false,
    schemaVersion: 0,
    files: entries,
    byteSource: (path) => fileSource(byPath.get(path) ?? new Blob()),
    knownMetadata,
    skipped: skipped.map((e) => e.error.message),
  };
}

/**
 * The page's own host has no manifest at /data: a 404, or (a static host's SPA fallback) an HTML
 * page instead of JSON, which a collector never serves there. Other failures stay what they are.
 */
function noCollector(err: unknown, url: string): EngineFailure | null {
  if (!(err instanceof EngineFailure)) return null;
  const { kind, status, message } = err.error;
  const missing = kind === 'http-status' && (status === 404 || status === 410);
  if (!missing && !(kind === 'bad-manifest' && message === MANIFEST_NOT_JSON)) return null;
  return new EngineFailure({
    kind: 'no-collector',
    message: `No Parley collector answers here: ${url} ${missing ? `is not there (HTTP ${String(status)})` : 'is not a manifest'}.`,
  });
}

/** Where a URL source points: a manifest, a lone Parquet file, or a snapshot root. */
export function resolveSourceUrl(url: string, origin: string): { kind: 'manifest' | 'parquet'; url: string } {
  const u = new URL(url, origin);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new EngineFailure({
      kind: 'unreachable',
      message: `Only http(s) URLs can be opened, not ${u.protocol}`,
    });
  if (/\.parquet$/i.test(u.pathname)) return { kind: 'parquet', url: u.href };
  if (/\/manifest\.json$/i.test(u.pathname)) return { kind: 'manifest', url: u.href };
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.pathname += 'manifest.json';
  return { kind: 'manifest', url: u.href };
}

export async function openSource(
  spec: SourceSpec,
  origin: string,
  counter: FetchCounter,
): Promise<OpenedSource> {
  if (spec.kind === 'files') return openFiles(spec.files);
  if (spec.kind === 'collector') {
    const url = new URL('/data/manifest.json', origin).href;
    return openManifestUrl(url, origin, counter, 'This collector', true).catch((err: unknown) => {
      throw noCollector(err, url) ?? err;
    });
  }
  const target = resolveSourceUrl(spec.url, origin);
  return target.kind === 'parquet'
    ? openParquetUrl(target.url, origin, counter)
    : openManifestUrl(target.url, origin, counter, spec.url, true);
}
