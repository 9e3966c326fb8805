/**
 * The Express application: ingest, data, health, metrics and the viewer. No listening here, so
 * tests and the CLI share one assembly.
 */
import express, { type Express } from 'express';
import type { CollectorConfig } from '../config.ts';
import type { ExportDeps } from '../export-request.ts';
import { countRequest, renderMetrics } from '../metrics.ts';
import type { BodyBudget } from '../body-budget.ts';
import { cors } from './cors.ts';
import { dataRoute } from './data-route.ts';
import { notFound } from './misdirected.ts';
import { otlpRoute } from './otlp-route.ts';
import { viewerRoutes } from './viewer-route.ts';

export function createApp(
  config: CollectorConfig,
  deps: ExportDeps,
  viewerDir: string | null,
  bodyBudget: BodyBudget,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Once shutdown begins, each answer closes its keep-alive connection, so the server can close.
  app.use((_req, res, next) => {
    if (!deps.accepting()) res.setHeader('Connection', 'close');
    next();
  });

  const ingestCors = cors(
    config.corsOrigins,
    'POST, OPTIONS',
    ['Content-Type', 'Content-Encoding', 'Authorization'],
    { allowRequestedHeaders: true },
  );
  const routeOptions = { token: config.token, maxBodyBytes: config.maxBodyBytes, bodyBudget };
  app.options('/v1/{*rest}', ingestCors);
  app.post('/v1/traces', ingestCors, otlpRoute('traces', deps, routeOptions));
  app.post('/v1/logs', ingestCors, otlpRoute('logs', deps, routeOptions));
  // Someone checking the endpoint with a browser or a bare curl: not the viewer's redirect to /.
  for (const route of ['/v1/traces', '/v1/logs']) {
    app.all(route, (req, res) => {
      countRequest(deps.metrics, 'http', route, 405);
      res.setHeader('Allow', 'POST, OPTIONS');
      res.status(405).json({
        error: `${req.method} ${route} is not served: OTLP exporters POST ${route.slice(4)} here (application/x-protobuf or application/json)`,
      });
    });
  }

  app.use(
    '/data',
    cors(config.corsOrigins, 'GET, HEAD, OPTIONS', ['Range', 'If-None-Match', 'If-Range']),
    dataRoute(config.dataDir),
  );

  // 503 while storage fails: requests may still be acknowledged (into the WAL) while Parquet is
  // not being written, and a monitor should see that before the disk or the backlog runs out.
  app.get('/healthz', (_req, res) => {
    const stats = deps.pipeline.stats();
    const status = stats.storageError === null ? 200 : 503;
    countRequest(deps.metrics, 'http', '/healthz', status);
    res.status(status).json({ status: status === 200 ? 'ok' : 'degraded', ...stats });
  });
  app.get('/metrics', (_req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.send(
      renderMetrics(deps.metrics, deps.pipeline.stats(), deps.admission, bodyBudget, process.memoryUsage()),
    );
  });

  if (viewerDir !== null) app.use(viewerRoutes(viewerDir));
  app.use(notFound(deps.log, deps.metrics));
  app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    deps.log.log('error', 'request_failed', { method: req.method, path: req.path, error: String(error) });
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    else res.destroy();
  });
  return app;
}
