/**
 * Runs only at build time (the app is a static SPA): puts the data worker's URL into the page, so
 * an inline script can start the worker before the app's code loads (see app.html).
 */
import type { Handle } from '@sveltejs/kit/hooks';
import workerUrl from '#lib/engine/worker.ts?worker&url';

// Vite names it from the root (/_app/...); the page is at the root of the build, so the same
// path relative to the page works wherever the build is hosted.
const fromPage = workerUrl.startsWith('/') ? `.${workerUrl}` : workerUrl;

export const handle: Handle = ({ event, resolve }) =>
  resolve(event, { transformPageChunk: ({ html }) => html.replace('%parley.worker%', fromPage) });
