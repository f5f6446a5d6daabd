import { request } from 'node:https';
import type { KubeClients } from '../client/kube-client.provider';

/**
 * The kube-apiserver's own request counts (`GET /metrics`), for tests and benchmarks that show how many requests
 * Skyport makes: `apiserver_request_total` as `verb resource[/subresource]` → count (summed over codes, scopes,
 * groups).
 */
export type RequestCounts = Map<string, number>;

/** Resources every cluster touches on its own (node heartbeats, leader election): left out of every count. */
const BACKGROUND = new Set(['leases', 'nodes', 'nodes/status']);

/** GET /metrics from the cluster's kube-apiserver with the kubeconfig's (admin) credentials. */
export async function fetchApiserverMetrics(clients: KubeClients): Promise<string> {
  const cluster = clients.kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL('/metrics', cluster.server);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`refusing to read metrics from a non-loopback API server (${url.host})`);
  const opts: Record<string, unknown> = { headers: {} };
  await clients.kc.applyToHTTPSOptions(opts as never);
  return new Promise((resolve, reject) => {
    const req = request(url, opts as never, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET /metrics answered ${res.statusCode}: ${body.slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

export function parseRequestTotals(text: string): RequestCounts {
  const counts: RequestCounts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const close = line.lastIndexOf('}');
    const labels = Object.fromEntries([...line.slice(line.indexOf('{') + 1, close).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const value = Number(line.slice(close + 1).trim());
    const resource = labels.subresource ? `${labels.resource}/${labels.subresource}` : labels.resource;
    if (BACKGROUND.has(resource)) continue;
    const key = `${labels.verb} ${resource}`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

export async function requestCounts(clients: KubeClients): Promise<RequestCounts> {
  return parseRequestTotals(await fetchApiserverMetrics(clients));
}

/** after − before, only the keys that moved. */
export function diffCounts(before: RequestCounts, after: RequestCounts): RequestCounts {
  const out: RequestCounts = new Map();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

export const totalOf = (c: RequestCounts): number => [...c.values()].reduce((s, v) => s + v, 0);

export function fmtCounts(c: RequestCounts, per = 1): string {
  return [...c.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}: ${Number((v / per).toFixed(2))}`)
    .join(', ');
}
