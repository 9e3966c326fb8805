/**
 * Runs only at build time (the app is a static SPA): puts the data worker's URL into the page, so
 * an inline script can start the worker before the app's code loads (see app.html).
 */
import type { Handle } from '@sveltejs/kit/hooks';
import workerUrl from '#lib/engine/worker.ts?worker&url';

export const handle: Handle = ({ event, resolve }) =>
  resolve(event, { transformPageChunk: ({ html }) => html.replace('%parley.worker%', workerUrl) });
