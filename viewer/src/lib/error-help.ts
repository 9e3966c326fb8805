/** What each engine error means for the user, and what to do about it. */
import type { EngineError, EngineErrorKind } from './engine/api.ts';

export interface ErrorHelp {
  title: string;
  advice: string;
}

const PATH_ADVICE =
  'Check the path: a snapshot URL names the folder that holds manifest.json, the manifest itself, or one .parquet file.';

function httpStatusHelp(status: number, where: string): ErrorHelp {
  if (status === 404 || status === 410) return { title: `Nothing at ${where}`, advice: PATH_ADVICE };
  if (status === 401 || status === 403)
    return {
      title: `${where} refused access`,
      advice:
        'The server answered but does not let this page read the data. Open it where it is public, or download the snapshot and drop it here.',
    };
  return {
    title: `${where} answered with an error`,
    advice: 'The server is up but could not serve the data. Try again; if it persists, its logs say why.',
  };
}

/**
 * Failures that asking again may not meet: the host away for a moment, an error status it
 * answered, a failed query, the query engine's code not sent. The others (not Parquet, out of
 * memory, no such session) would fail the same way again.
 */
const RETRYABLE = new Set<EngineErrorKind>([
  'unreachable',
  'http-status',
  'query-failed',
  'engine-unavailable',
]);

export function isRetryable(error: EngineError): boolean {
  return RETRYABLE.has(error.kind);
}

export function errorHelp(error: EngineError, src: string): ErrorHelp {
  const where = src === '' ? 'the collector' : src === 'local:' ? 'the local files' : src;
  switch (error.kind) {
    case 'unreachable':
      if (src === 'local:')
        return {
          title: 'The local files cannot be read',
          advice: 'Drop or pick the Parquet files (or the snapshot folder) again.',
        };
      return {
        title: `Cannot reach ${where}`,
        advice:
          src === ''
            ? 'Is the collector running? Start it (npm start) and reload, or open a snapshot URL or local files instead.'
            : 'Check the URL (a snapshot root, its manifest.json, or one .parquet file) and that the server is up.',
      };
    case 'no-collector':
      return {
        title: 'No collector here',
        advice:
          'This viewer is served as static files, without a Parley collector behind it. Open a snapshot by its URL, or pick a snapshot folder or Parquet files from this computer.',
      };
    case 'http-status':
      return httpStatusHelp(error.status ?? 0, where);
    case 'cors':
      // The browser reports a server that does not answer and a refused cross-origin read alike.
      return {
        title: `Cannot read ${where}`,
        advice:
          'Either the server is not answering (is it running, on this host and port?) or it does not let this page read it: it must send Access-Control-Allow-Origin for this origin and expose Content-Length, Content-Range and Accept-Ranges. Or download the snapshot and drop it here.',
      };
    case 'not-parquet':
      return {
        title: 'Not a Parquet file',
        advice: 'Pick the .parquet files of a Parley snapshot, or its folder with manifest.json.',
      };
    case 'schema-too-new':
      return {
        title: 'Written by a newer Parley',
        advice:
          'This data uses a schema version this viewer does not know. Open it with a newer viewer (the one its collector serves).',
      };
    case 'bad-manifest':
      return {
        title: 'The manifest cannot be read',
        advice: 'manifest.json is missing or malformed. Point at the snapshot root that contains it.',
      };
    case 'source-changed':
      return {
        title: `A file of ${where} is missing`,
        advice:
          'Its manifest lists a file the server does not have. If the data is live, refresh; a snapshot needs that file copied along with its manifest.',
      };
    case 'missing-files':
      return {
        title: src === 'local:' ? 'Files of the snapshot were not picked' : `Files of ${where} are missing`,
        advice:
          src === 'local:'
            ? 'Pick the whole snapshot folder (Pick folder, or drop it), or select manifest.json together with every .parquet file under spans/, messages/ and sessions/.'
            : 'A snapshot needs its spans/, messages/ and sessions/ folders copied along with its manifest.json.',
      };
    case 'query-failed':
      return {
        title: 'A query failed',
        advice: 'Try a narrower time range or reload the page. If it persists, report the message below.',
      };
    case 'out-of-memory':
      // A narrower time range does not help here: a file the range touches is loaded whole.
      return {
        title: 'The browser ran out of memory',
        advice:
          'The query engine in this tab could not hold the data: each Parquet file it needs is loaded whole, and this one is too big for it. Open a collector snapshot instead (its files are partitioned by hour, so a time range loads only its hours), or split the file into smaller ones.',
      };
    case 'engine-unavailable':
      return {
        title: 'The query engine could not be loaded',
        advice:
          'Its code (DuckDB-WASM) comes from the server that serves this page, which did not send it (the detail below says why). Try again once that server is back, or reload the page.',
      };
    case 'not-found':
      return {
        title: 'No such session here',
        advice:
          src === ''
            ? 'The collector has no session with this id: not received yet, still waiting to be written (a few seconds), or removed by retention. The sessions list shows what there is.'
            : `There is no session with this id in ${where}: it may be outside the time this copy holds. The sessions list shows what there is.`,
      };
    case 'cancelled':
      return { title: 'Cancelled', advice: '' };
  }
}
