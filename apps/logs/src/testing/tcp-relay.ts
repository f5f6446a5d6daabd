import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClientProvider } from '@skyport/kube';

/**
 * A TCP relay on 127.0.0.1 in front of the local kube-apiserver, so a test can break every connection through
 * it at once — what a network failure or an API server restart does to a long-lived exec stream.
 */
export class TcpRelay {
  private readonly pairs = new Set<[Socket, Socket]>();
  private closing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpRelay> {
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(targetHost)) throw new Error(`refusing to relay to a non-loopback address (${targetHost})`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const relay = new TcpRelay(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => {
      if (relay.closing) return void client.resetAndDestroy();
      const upstream = connect(targetPort, targetHost.replace(/^\[|\]$/g, ''));
      const pair: [Socket, Socket] = [client, upstream];
      relay.pairs.add(pair);
      const close = (): void => {
        relay.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    return relay;
  }

  /** Connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Breaks every open connection (both directions reset); returns how many there were. */
  cutAll(): number {
    const n = this.pairs.size;
    for (const [a, b] of [...this.pairs]) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
    return n;
  }

  /**
   * Stops listening first, then breaks what is open: cutting first let a client that reconnects at once (a tailer
   * retrying its stream) slip in before the server stopped, and server.close() then waited for it forever.
   */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cutAll();
    await closed;
  }
}

/** A client provider for `context` whose API server connections all go through `relay`. */
export function providerThrough(relay: TcpRelay, base: KubeClientProvider, context: string): KubeClientProvider {
  const config = JSON.parse(base.forContext(context).kc.exportConfig()) as {
    clusters: Array<{ name: string; cluster: { server: string } }>;
    contexts: Array<{ name: string; context: { cluster: string } }>;
  };
  const clusterName = config.contexts.find((c) => c.name === context)?.context.cluster;
  for (const c of config.clusters) {
    if (c.name !== clusterName) continue;
    const server = new URL(c.cluster.server);
    server.port = String(relay.port);
    c.cluster.server = server.origin;
  }
  // Through a file, as every service loads its kubeconfig; removed once loaded.
  const dir = mkdtempSync(join(tmpdir(), 'skyport-relay-'));
  try {
    writeFileSync(join(dir, 'kubeconfig'), JSON.stringify(config), { mode: 0o600 });
    return KubeClientProvider.fromSource({ paths: [join(dir, 'kubeconfig')] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where `context`'s API server listens. */
export function apiServerAddress(base: KubeClientProvider, context: string): { host: string; port: number } {
  const cluster = base.forContext(context).kc.getCurrentCluster();
  if (!cluster) throw new Error(`context ${context} has no cluster`);
  const url = new URL(cluster.server);
  return { host: url.hostname, port: Number(url.port || 443) };
}
