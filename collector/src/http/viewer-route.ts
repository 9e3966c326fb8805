/**
 * The built viewer at /, with single-page-app fallback: unknown paths get index.html so deep
 * links (every view is a URL) load the app.
 */
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

export function viewerRoutes(viewerDir: string): Router {
  const router = express.Router();
  router.use(express.static(viewerDir, { index: 'index.html', dotfiles: 'ignore', fallthrough: true }));
  const fallback: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(viewerDir, 'index.html'), (error) => {
      if (error && !res.headersSent) next();
    });
  };
  router.use(fallback);
  return router;
}
