import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClientProvider } from '../client/kube-client.provider';
import { createTestNamespace, testKubeTarget, testProvider } from '../testing/test-kube';
import { podInformer } from './informers';

const target = testKubeTarget();

/** A loopback TCP relay to the API server that the test can cut and restore, like a flaky network. */
class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    private readonly upstreamPort: number,
    readonly port: number,
  ) {}
  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.upstreamPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
  }
  async down(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

describe('ResourceInformer reconnects and resumes after the connection to the API server breaks', { skip: target ? false : 'no local cluster (run through npm test)' }, () => {
  let direct: KubeClientProvider;
  let ns: { name: string; drop: () => Promise<void> };
  let relay: Relay;
  let viaRelay: KubeClientProvider;

  before(async () => {
    direct = testProvider(target!);
    const clients = direct.forContext(target!.context);
    ns = await createTestNamespace(clients, 'informer-it');
    const upstream = Number(new URL(clients.context.server).port);
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    relay = new Relay(upstream, port);
    await relay.up();
    const kc = new KubeConfig();
    const src = direct.kc;
    kc.loadFromOptions({
      clusters: src.clusters.map((c) => (c.name === clients.context.cluster ? { ...c, server: `https://127.0.0.1:${port}` } : c)),
      users: src.users,
      contexts: src.contexts,
      currentContext: target!.context,
    });
    viaRelay = new KubeClientProvider(kc, [target!.context]);
  });
  after(async () => {
    await relay?.down();
    await ns?.drop();
  });

  test('error state while cut, then the pod created meanwhile shows up without a restart of the informer', async () => {
    const clients = direct.forContext(target!.context);
    const pods = podInformer(viaRelay.forContext(target!.context), { namespace: ns.name, initialBackoffMs: 200, maxBackoffMs: 1_000 });
    const states: string[] = [];
    pods.onState((s) => states.push(s));
    pods.start();
    try {
      await pods.waitForSync();
      await relay.down();
      await clients.core.createNamespacedPod({ namespace: ns.name, body: { metadata: { name: 'while-cut' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
      const deadline = Date.now() + 10_000;
      while (pods.state !== 'error' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(pods.state, 'error');
      const cause = pods.lastError?.cause as { message?: string; code?: string } | undefined;
      assert.equal(pods.lastError?.details?.kind, 'unreachable', `${cause?.code} ${cause?.message}`);
      const t0 = Date.now();
      await relay.up();
      while (!pods.get('while-cut', ns.name) && Date.now() < t0 + 15_000) await new Promise((r) => setTimeout(r, 100));
      assert.ok(pods.get('while-cut', ns.name), `states: ${states.join(' → ')}`);
      assert.equal(pods.state, 'synced');
      console.log(`# informer back and caught up ${Date.now() - t0} ms after the connection returned (states: ${states.join(' → ')})`);
    } finally {
      await pods.dispose();
    }
  });
});
