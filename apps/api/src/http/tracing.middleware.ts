import type { NextFunction, Request, Response } from 'express';
import { contextFromCarrier, SpanKind, SpanStatusCode, startSpan, traceContextApi } from '@skyport/telemetry';

/**
 * Every request is the root (or, with a `traceparent` header, the continuation) of a trace: the span is the parent
 * of what the request does — database writes, the outbox row and so the queue jobs, gRPC calls. Named by route
 * pattern, as the metrics are, once the route is known.
 */
export function tracingMiddleware(req: Request, res: Response, next: NextFunction): void {
  const traceparent = req.headers.traceparent;
  const tracestate = req.headers.tracestate;
  const parent = contextFromCarrier({ traceparent: typeof traceparent === 'string' ? traceparent : undefined, tracestate: typeof tracestate === 'string' ? tracestate : undefined });
  const { span, context } = startSpan(`${req.method} ${req.path}`, {
    kind: SpanKind.SERVER,
    parent,
    attributes: { 'http.request.method': req.method, 'url.path': req.path },
  });
  res.on('close', () => {
    const route = (req.route as { path?: string } | undefined)?.path;
    if (route) {
      span.updateName(`${req.method} ${req.baseUrl ?? ''}${route}`);
      span.setAttribute('http.route', `${req.baseUrl ?? ''}${route}`);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  traceContextApi.with(context, next);
}
