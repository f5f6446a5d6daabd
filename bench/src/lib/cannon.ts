import autocannon from 'autocannon';
import { summarize, type Summary } from './stats';

export interface SpreadResult {
  /** Wall time of the load (the longest instance's), seconds. */
  seconds: number;
  /** Answers by status code. */
  statuses: Record<number, number>;
  /** Latency of the answers with `okStatus`, ms, over every target together. */
  latency: Summary;
  ok: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** First few answers that were not `okStatus` (status and body), for the log. */
  samples: string[];
}

export interface SpreadOptions {
  urls: readonly string[];
  /** Connections in all, shared out evenly over the urls. */
  connections: number;
  seconds: number;
  okStatus: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Path of each request (called once per request sent), else the url's own path. */
  nextPath?: () => string;
  /** Called with each `okStatus` answer's body. */
  onOk?: (body: string) => void;
}

/**
 * autocannon against several replicas at once (one instance per url, in this process), with every answer's latency
 * kept, so the percentiles are over all replicas together rather than an average of per-replica percentiles.
 */
export async function spreadLoad(opts: SpreadOptions): Promise<SpreadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const samples: string[] = [];
  let errors = 0;
  const perUrl = Math.max(1, Math.round(opts.connections / opts.urls.length));
  const nextPath = opts.nextPath;
  const results = await Promise.all(
    opts.urls.map(
      (url) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const request: autocannon.Request = {
            method: opts.method ?? 'GET',
            ...(nextPath ? { setupRequest: (req: autocannon.Request) => ({ ...req, path: nextPath() }) } : {}),
            // Every answer's body is read (the same cost for every endpoint measured): ids, or why it was refused.
            onResponse: (status: number, body: string) => {
              if (status === opts.okStatus) opts.onOk?.(body);
              else if (samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`);
            },
          };
          const instance = autocannon(
            { url, connections: perUrl, duration: opts.seconds, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, requests: [request] },
            (error, result) => (error ? reject(error) : resolve(result)),
          );
          instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status === opts.okStatus) latencies.push(ms);
          });
        }),
    ),
  );
  for (const r of results) errors += r.errors + r.timeouts;
  return { seconds: Math.max(...results.map((r) => r.duration)), statuses, latency: summarize(latencies), ok: latencies.length, errors, samples };
}
