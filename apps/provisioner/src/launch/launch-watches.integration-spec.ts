import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type KubeClients } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { LaunchWatches } from './launch-watches';

const target = testKubeTarget();

describe('launch watches shared per namespace (local control plane)', { skip: target ? false : 'no local cluster (run through npm test)' }, () => {
  let clients: KubeClients;
  let ns: { name: string; drop: () => Promise<void> };

  before(async () => {
    clients = testProvider(target!).forContext(target!.context);
    ns = await createTestNamespace(clients, 'launch-watch');
  });
  after(async () => ns?.drop());

  test('launches into one namespace share one pod and one event informer, which linger after the last release', async () => {
    const watches = new LaunchWatches(60_000);
    try {
      const a = watches.acquire(clients, ns.name);
      const b = watches.acquire(clients, ns.name);
      assert.equal(a.pods, b.pods);
      assert.equal(a.events, b.events);
      await Promise.all([a.pods.waitForSync(15_000), a.events.waitForSync(15_000)]);
      await a.release();
      await b.release();
      await b.release(); // a second release of the same hold changes nothing
      assert.equal(a.pods.state, 'synced', 'kept for the next launch');
      const c = watches.acquire(clients, ns.name);
      assert.equal(c.pods, a.pods, 'the next launch reuses them');
      await c.release();
    } finally {
      await watches.dispose();
    }
  });

  test('without linger the last release stops them; a shutdown stops only what no launch holds', async () => {
    const oneOff = new LaunchWatches(0);
    const w = oneOff.acquire(clients, ns.name);
    await w.pods.waitForSync(15_000);
    await w.release();
    assert.equal(w.pods.state, 'stopped');
    assert.equal(w.events.state, 'stopped');

    const watches = new LaunchWatches(60_000);
    const held = watches.acquire(clients, ns.name);
    await held.pods.waitForSync(15_000);
    await watches.dispose();
    assert.equal(held.pods.state, 'synced', 'a launch still running during a graceful shutdown keeps its informers');
    await held.release();
    assert.equal(held.pods.state, 'stopped');
  });
});
