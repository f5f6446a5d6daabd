import type { Response } from 'express';
import { skyportMetrics } from '@skyport/telemetry';

/**
 * Answers with a Server-Sent Events stream (headers that keep proxies from buffering it) and counts it in
 * `skyport_streams_active` by kind until the connection closes.
 */
export function openEventStream(res: Response, kind: 'events' | 'request-events' | 'job-logs'): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  skyportMetrics.activeStreams().inc({ kind });
  res.once('close', () => skyportMetrics.activeStreams().dec({ kind }));
}
