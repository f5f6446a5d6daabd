import type { NextFunction, Request, Response } from 'express';
import { apiMetrics } from './api-metrics';

/** Observes every request's latency, labelled by its route pattern (not the raw path, which has names in it). */
export function requestMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = apiMetrics.requestDuration.startTimer();
  res.on('close', () => {
    const route = (req.route as { path?: string } | undefined)?.path;
    end({ method: req.method, route: route ? `${req.baseUrl ?? ''}${route}` : 'unmatched', status: String(res.statusCode) });
  });
  next();
}
