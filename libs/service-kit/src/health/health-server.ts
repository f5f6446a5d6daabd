import { createServer, type Server } from 'node:http';
import { metricsRegistry } from '@skyport/telemetry';
import { asPortInUse } from '../bootstrap/port-in-use';

export type HealthCheck = () => Promise<void>;

/**
 * `GET /healthz` (200 when every check passes, 503 with the failing ones otherwise) and `GET /metrics`, for
 * services that have no HTTP server of their own.
 */
export async function startHealthServer(host: string, port: number, checks: Record<string, HealthCheck>): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': metricsRegistry.contentType });
        res.end(await metricsRegistry.metrics());
        return;
      }
      if (req.url === '/healthz' || req.url === '/readyz') {
        const result = await runHealthChecks(checks);
        res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
        return;
      }
      res.writeHead(404).end();
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(asPortInUse(error, host, port, 'SKYPORT_HEALTH_PORT')));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

export async function runHealthChecks(checks: Record<string, HealthCheck>): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), 2_000);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)] as const;
      }
    }),
  );
  return { ok: entries.every(([, v]) => v === 'ok'), checks: Object.fromEntries(entries) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
