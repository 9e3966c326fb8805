/**
 * The 404 of a path nothing serves. A POST there is almost always an exporter aimed wrong: the
 * endpoint set to the full `/v1/traces` URL (the SDK then posts to `/v1/traces/v1/traces`), a
 * metrics exporter left on, a typo. Its answer says where OTLP goes, and it is logged once per
 * path (a bounded number of paths), so a misconfigured app shows in the log without flooding it.
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../log.ts';
import { countRequest, type Metrics } from '../metrics.ts';

const LOGGED_PATHS_MAX = 64;
const PATH_CHARS_MAX = 200;

export function notFound(log: Logger, metrics: Metrics): RequestHandler {
  const logged = new Set<string>();
  return (req, res) => {
    countRequest(metrics, 'http', 'unmatched', 404);
    if (req.method !== 'POST') {
      res.status(404).json({ error: 'not found' });
      return;
    }
    const path = req.path.slice(0, PATH_CHARS_MAX);
    if (!logged.has(path) && logged.size < LOGGED_PATHS_MAX) {
      logged.add(path);
      log.log('warn', 'request_misdirected', {
        path,
        remote: req.socket.remoteAddress ?? null,
        user_agent: req.get('user-agent')?.slice(0, PATH_CHARS_MAX) ?? null,
      });
    }
    res.status(404).json({
      error: `nothing receives POST ${path}: OTLP traces go to /v1/traces and logs to /v1/logs (OTEL_EXPORTER_OTLP_ENDPOINT is the base URL, such as http://localhost:4318); metrics are not collected (OTEL_METRICS_EXPORTER=none)`,
    });
  };
}
