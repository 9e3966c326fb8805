// A page that only starts the viewer's data worker and exposes it for the benchmark and the engine's
// browser check; the reader comparison loads on demand so it does not weigh on the cold start.
import { getEngine } from '../../../viewer/src/lib/engine/client.ts';

const w = globalThis as { __parleyEngine?: unknown; __compareReaders?: unknown; __decodeSummaries?: unknown };
w.__parleyEngine = getEngine();
w.__compareReaders = async (urls: string[], columns: string[]) =>
  (await import('./compare-readers.ts')).compareReaders(urls, columns);
w.__decodeSummaries = async (urls: string[], keyColumns: string[], allColumns: string[]) =>
  (await import('./compare-readers.ts')).decodeSummaries(urls, keyColumns, allColumns);
document.getElementById('status')?.replaceChildren('ready');
