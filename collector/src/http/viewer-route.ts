/**
 * The built viewer at /. Its one page names its assets relative to itself (so a copy of the build
 * works under any path of a static host): an unknown path such as `/sessions/abc` is redirected to
 * `/` with its query, where those names resolve, instead of getting the page. Not a path that
 * names a file (`/x/manifest.json`): that is a request for data, and a page would read as a broken
 * file instead of a 404. SvelteKit puts content-hashed files under
 * _app/immutable/: cached for good, so a second visit reuses the 34 MB DuckDB-WASM module and
 * Chromium's compiled-code cache for it instead of downloading and compiling it again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

export const VIEWER_BUILD_HINT =
  'build it in the repository with `npm run build -w @parley/viewer` (`npm start` does it), then reload /';

/** What / answers before the viewer is built: the first page an operator opens, so it says why. */
const NOT_BUILT_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Parley: viewer not built</title>
<h1>The Parley viewer is not built</h1>
<p>The collector is running (OTLP ingest, <code>/data</code>, <code>/healthz</code>, <code>/metrics</code>),
but it has no viewer to serve at <code>/</code>: ${VIEWER_BUILD_HINT.replace(/`([^`]*)`/g, '<code>$1</code>')}.</p>
`;

export function viewerRoutes(viewerDir: string): Router {
  const router = express.Router();
  router.use(
    express.static(viewerDir, {
      index: 'index.html',
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders: (res, file) => {
        const relative = path.relative(viewerDir, file).split(path.sep);
        const immutable = relative[0] === '_app' && relative[1] === 'immutable';
        res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  const index = path.join(viewerDir, 'index.html');
  const fallback: RequestHandler = async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (path.posix.extname(req.path) !== '') return next();
    // Asked at each request, so a viewer built while the collector runs is served without a restart.
    const built = await fs.access(index).then(
      () => true,
      () => false,
    );
    if (!built) {
      res.status(404).setHeader('Cache-Control', 'no-store').type('html').send(NOT_BUILT_PAGE);
      return;
    }
    // Reached with / only when the page could not be served: redirecting would loop.
    if (req.path === '/') return next();
    const query = req.originalUrl.indexOf('?');
    res.redirect(302, query < 0 ? '/' : `/${req.originalUrl.slice(query)}`);
  };
  router.use(fallback);
  return router;
}
