/** Which picked or dropped files a source can be opened from, and a word on the rest. */

const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** Parquet files and a snapshot's manifest.json; anything else (notes, CSV exports) is set aside. */
export function isUsable(name: string): boolean {
  return /\.parquet$/i.test(name) || baseName(name) === 'manifest.json';
}

const SHOWN = 3;

function list(names: readonly string[]): string {
  const shown = names.slice(0, SHOWN).map(baseName).join(', ');
  return names.length > SHOWN ? `${shown} and ${names.length - SHOWN} more` : shown;
}

/** A snapshot shared as an archive: the browser cannot look inside it. */
const ARCHIVE = /\.(zip|tar|tgz|gz|bz2|xz|zst|7z|rar)$/i;

/** Says which files were ignored and why; `nothingLeft` when none of the pick can be opened. */
export function ignoredNotice(ignored: readonly string[], nothingLeft: boolean): string {
  const why = 'only .parquet files and a snapshot’s manifest.json can be opened';
  const archives = ignored.filter((name) => ARCHIVE.test(name));
  const extract =
    archives.length > 0
      ? ` To open ${list(archives)}, extract ${archives.length === 1 ? 'it' : 'them'} first, then pick the folder.`
      : '';
  return nothingLeft
    ? `Nothing to open: ${list(ignored)} ${ignored.length === 1 ? 'is' : 'are'} not Parquet (${why}). Pick the Parquet files, or the snapshot folder.${extract}`
    : `Ignored ${list(ignored)}: ${why}.${extract}`;
}

/** Says which picked Parquet files were left out, with why (`reasons`: one sentence per file). */
export function skippedNotice(reasons: readonly string[]): string {
  const shown = reasons.slice(0, SHOWN).join(' ');
  const more = reasons.length > SHOWN ? ` And ${reasons.length - SHOWN} more.` : '';
  return `Opened without ${reasons.length === 1 ? 'a file' : `${reasons.length} files`} it could not read: ${shown}${more}`;
}
