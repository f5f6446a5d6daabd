import type { Response } from 'express';
import { skyportMetrics } from '@skyport/telemetry';

/**
 * Answers with a Server-Sent Events stream (headers that keep proxies from buffering it) and counts it in
 * `skyport_streams_active` by kind until the connection closes. `closed()` says whether the client went away.
 *
 * The response's `close` is the signal, never the request's: a request emits `close` as soon as its body has been
 * read, so a stream watching `req` would end itself moments after it starts whenever a middleware reads the body.
 */
export function openEventStream(res: Response, kind: 'events' | 'request-events' | 'job-logs'): { closed: () => boolean } {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  skyportMetrics.activeStreams().inc({ kind });
  let closed = false;
  res.once('close', () => {
    closed = true;
    skyportMetrics.activeStreams().dec({ kind });
  });
  return { closed: () => closed };
}
