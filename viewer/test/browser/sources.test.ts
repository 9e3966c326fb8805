/**
 * Opening sources the way users get them wrong: an incomplete or flattened pick of a snapshot's
 * files, files that are not Parquet, links to local files, empty and partial snapshots, old data,
 * and a static deployment with no collector behind it. A static server serves the built viewer
 * (with its SPA fallback, as static hosts do) and snapshots written by DuckDB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '@parley/shared/manifest';
import { writeSnapshot } from '../engine/snapshot-writer.ts';
import { startStaticServer, type StaticServer } from '../engine/static-server.ts';
import { launch, newContext } from './chromium.ts';

let tmp: string;
/** A week of data, 8 to 15 October 2026: old for any default range. */
let snapshot: string;
let manifest: Manifest;
let server: StaticServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-viewer-sources-'));
  snapshot = path.join(tmp, 'snapshot');
  manifest = uniqueNames(
    snapshot,
    await writeSnapshot(snapshot, {
      sessions: 20,
      spansPerSession: 4,
      days: 7,
      endIso: '2026-10-15T12:00:00Z',
      rowGroupSize: 2048,
    }),
  );
  server = await startStaticServer(
    { '/snapshots/': tmp, '/': fileURLToPath(new URL('../../build', import.meta.url)) },
    { spaFallback: 'index.html' },
  );
  browser = await launch();
  context = await newContext(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * Gives every file a name of its own, as the collector does (`<writer>-<seq>.parquet`); the
 * test writer repeats one name in every partition.
 */
function uniqueNames(root: string, written: Manifest): Manifest {
  const files = written.files.map((f, i) => {
    const renamed = f.path.replace(/[^/]+$/, `w0-${String(i).padStart(6, '0')}.parquet`);
    fs.renameSync(path.join(root, f.path), path.join(root, renamed));
    return { ...f, path: renamed };
  });
  const out = { ...written, files };
  fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(out));
  return out;
}

const rows = (page: Page) => page.locator('tbody tr[data-key]');

async function open(query: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${server.url}/?${query}`);
  return page;
}

/** The error panel of a kind (a `local:` link shows one before anything is picked). */
const errorOf = (page: Page, kind: string) => page.locator(`[data-testid="error"][data-kind="${kind}"]`);

/** A copy of the snapshot under `name`, changed by `edit` (given the copy's root). */
function variant(name: string, edit: (root: string) => void): string {
  const root = path.join(tmp, name);
  fs.cpSync(snapshot, root, { recursive: true });
  edit(root);
  return root;
}

function filesUnder(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** The source picker of a page opened on local files no one picked yet (it offers itself). */
async function localPicker(query = 't=all'): Promise<Page> {
  const page = await open(`src=local:&${query}`);
  await page.getByTestId('file-input').waitFor();
  return page;
}

describe('a picked snapshot', () => {
  it('names the files a picked folder lacks, rather than opening what is there', async () => {
    const lacking = manifest.files.find((f) => f.table === 'spans')?.path ?? '';
    const root = variant('lacking', (r) => fs.rmSync(path.join(r, lacking)));
    const page = await localPicker();
    await page.locator('input[webkitdirectory]').setInputFiles(root);
    const error = errorOf(page, 'missing-files');
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toContain(`1 of the ${manifest.files.length} files manifest.json lists was not picked`);
    expect(text).toContain(lacking);
    expect(text).toContain('Files of the snapshot were not picked');
    expect(await rows(page).count()).toBe(0);
    await page.close();
  });

  it('opens a snapshot whose files were picked one by one, without their folders', async () => {
    const page = await localPicker();
    await page.getByTestId('file-input').setInputFiles(filesUnder(snapshot));
    await rows(page).first().waitFor();
    await rows(page).first().click();
    await page.getByTestId('conversation').locator('article').first().waitFor();
    expect(await page.getByTestId('error').count()).toBe(0);
    // Named for what was picked: files, not a dropped folder.
    expect(await page.getByTestId('source-badge').innerText()).toContain('snapshot files (local)');
    await page.close();
  });

  it('asks for the Parquet files when only manifest.json was picked', async () => {
    const page = await localPicker();
    await page.getByTestId('file-input').setInputFiles(path.join(snapshot, 'manifest.json'));
    const error = errorOf(page, 'missing-files');
    await error.waitFor();
    expect(await error.innerText()).toContain('Only manifest.json was picked');
    await page.close();
  });
});

describe('files that are not Parquet', () => {
  function strays(): string[] {
    const dir = path.join(tmp, 'strays');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'notes');
    fs.writeFileSync(path.join(dir, 'data.csv'), 'a,b\n1,2\n');
    return [path.join(dir, 'notes.txt'), path.join(dir, 'data.csv')];
  }

  it('says nothing can be opened when no picked file is Parquet', async () => {
    const page = await localPicker();
    await page.getByTestId('file-input').setInputFiles(strays());
    const said = await page.getByTestId('files-error').innerText();
    expect(said).toContain('Nothing to open: notes.txt, data.csv are not Parquet');
    await page.close();
  });

  it('opens the files it can read and names one cut short, rather than refusing them all', async () => {
    const parquet = filesUnder(snapshot).filter((f) => f.endsWith('.parquet'));
    const first = parquet[0] as string;
    const cut = path.join(tmp, 'cut-short.parquet');
    fs.writeFileSync(cut, fs.readFileSync(first).subarray(0, Math.floor(fs.statSync(first).size / 2)));
    const page = await localPicker();
    await page.getByTestId('file-input').setInputFiles([...parquet, cut]);
    await rows(page).first().waitFor();
    const said = await page.getByTestId('notices').innerText();
    expect(said).toContain('Opened without a file it could not read: cut-short.parquet');
    await page.close();
  });

  it('names the files it ignored beside the ones it opened', async () => {
    const page = await localPicker();
    await page.getByTestId('file-input').setInputFiles([...filesUnder(snapshot), ...strays()]);
    await rows(page).first().waitFor();
    expect(await page.getByTestId('notices').innerText()).toContain('Ignored notes.txt, data.csv');
    await page.close();
  });
});

describe('a link to local files', () => {
  it('keeps its search and open session when the files are picked again', async () => {
    const id = manifest.files.find((f) => f.table === 'spans' && f.min_session_id)?.min_session_id ?? '';
    expect(id).not.toBe('');
    const query = `t=all&q=${encodeURIComponent(id)}&session=${encodeURIComponent(id)}`;
    const page = await localPicker(query);
    await page.locator('input[webkitdirectory]').setInputFiles(snapshot);
    await page.getByTestId('session-title').filter({ hasText: id }).waitFor();
    await page.getByTestId('conversation').locator('article').first().waitFor();
    const url = new URL(page.url()).searchParams;
    expect([url.get('src'), url.get('q'), url.get('session'), url.get('t')]).toEqual([
      'local:',
      id,
      id,
      'all',
    ]);
    await page.close();
  });
});

describe('empty and partial snapshots', () => {
  /** A copy holding only the given tables' files, its manifest listing only them. */
  function only(name: string, tables: readonly string[]): string {
    return variant(name, (root) => {
      for (const f of manifest.files) if (!tables.includes(f.table)) fs.rmSync(path.join(root, f.path));
      const files = manifest.files.filter((f) => tables.includes(f.table));
      fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify({ ...manifest, files }));
    });
  }
  const byUrl = (name: string) => open(`t=all&src=${encodeURIComponent(`${server.url}/snapshots/${name}/`)}`);

  it('says an empty snapshot holds no data, rather than to point an exporter at it', async () => {
    only('empty', []);
    const page = await byUrl('empty');
    const empty = await page.getByTestId('empty').innerText();
    expect(empty).toContain('This snapshot holds no data.');
    expect(empty).not.toMatch(/exporter|refresh/);
    expect(await page.locator('figure.chart figcaption').innerText()).not.toMatch(/tokens ·|no price/);
    await page.close();
  });

  it('says the span files are missing from a copy of only its messages', async () => {
    only('messages-only', ['messages']);
    const page = await byUrl('messages-only');
    const empty = await page.getByTestId('empty').innerText();
    expect(empty).toContain('The span files are missing.');
    expect(empty).not.toMatch(/exporter/);
    await page.close();
  });

  it('says a copy without its message files has no conversation text, beside the source', async () => {
    only('no-messages', ['spans', 'sessions']);
    const page = await byUrl('no-messages');
    await rows(page).first().waitFor();
    const chip = page.getByTestId('source-badge').getByTestId('no-messages');
    expect(await chip.innerText()).toBe('no messages');
    expect(await chip.getAttribute('title')).toContain('no message files (messages/)');
    await page.close();
    const whole = await byUrl('snapshot');
    await rows(whole).first().waitFor();
    expect(await whole.getByTestId('no-messages').count()).toBe(0);
    await whole.close();
  });

  it('says the span files are missing when a session of a summaries-only copy is opened', async () => {
    only('sessions-only', ['sessions']);
    const page = await byUrl('sessions-only');
    await rows(page).first().click();
    const error = page.getByTestId('conversation').getByTestId('error');
    await error.waitFor();
    expect(await error.getAttribute('data-kind')).toBe('missing-files');
    expect(await error.innerText()).toContain('no span files (spans/)');
    await page.close();
  });
});

describe('old data under the default range', () => {
  it('says when the data is, and starts the custom range there', async () => {
    // Local dates, as the page shows them (Node and Chromium share the machine's time zone).
    const first = new Date(manifest.files.map((f) => f.min_time).sort()[0] ?? '');
    const last = new Date(
      manifest.files
        .map((f) => f.max_time)
        .sort()
        .at(-1) ?? '',
    );
    const localDay = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const page = await open(`src=${encodeURIComponent(`${server.url}/snapshots/snapshot/`)}`);
    expect(await page.getByTestId('extent').innerText()).toBe(
      `This snapshot holds data from ${first.getDate()} Oct to ${last.getDate()} Oct 2026.`,
    );
    await page.getByRole('button', { name: 'Show all time' }).waitFor();
    await page.getByRole('button', { name: 'Custom' }).click();
    const [from, to] = await page
      .locator('input[type="datetime-local"]')
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(from?.slice(0, 10)).toBe(localDay(first));
    expect(to?.slice(0, 10)).toBe(localDay(last));
    await page.getByRole('button', { name: 'Apply' }).click();
    await rows(page).first().waitFor();
    await page.close();
  });
});

describe('a static deployment without a collector', () => {
  it('starts with a way to open data, not an error, whether the host answers 404 or its fallback page', async () => {
    const build = fileURLToPath(new URL('../../build', import.meta.url));
    const bare = await startStaticServer({ '/': build });
    try {
      for (const origin of [server.url, bare.url]) {
        const page = await context.newPage();
        await page.goto(`${origin}/`);
        const start = page.getByTestId('start');
        await start.waitFor();
        expect(await start.innerText()).toContain('No Parley collector answers at this address');
        await start.locator('#snapshot-url').fill(`${server.url}/snapshots/snapshot/`);
        expect(await start.getByTestId('file-input').count()).toBe(1);
        expect(await start.getByText('This collector').count()).toBe(0);
        // Nothing is open: no range, link, SQL or export to offer yet.
        expect(await page.getByRole('button', { name: /Copy link|Copy as SQL/ }).count()).toBe(0);
        expect(await page.getByText('Export').count()).toBe(0);
        expect(await page.getByTestId('error').count()).toBe(0);
        await start.getByRole('button', { name: 'Open' }).click();
        await page.getByRole('button', { name: 'Show all time' }).click();
        await rows(page).first().waitFor();
        await page.close();
      }
    } finally {
      await bare.close();
    }
  });

  it('opens a snapshot by a path on this host typed into the URL field, as a link does', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('start').waitFor();
    // The header's picker offers no collector either: none answers here.
    await page.getByTestId('source-badge').click();
    expect(await page.getByText('This collector').count()).toBe(0);
    // What a link's src= refuses, the field refuses too, and says why.
    await page.locator('#snapshot-url').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByText('Only http(s) URLs can be read.').waitFor();
    expect(new URL(page.url()).searchParams.get('src')).toBeNull();
    await page.locator('#snapshot-url').fill('/snapshots/snapshot/');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('button', { name: 'Show all time' }).click();
    await rows(page).first().waitFor();
    expect(new URL(page.url()).searchParams.get('src')).toBe('/snapshots/snapshot/');
    await page.close();
  });
});
