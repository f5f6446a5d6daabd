import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SkyportError, type JobGroupLaunch } from '@skyport/contracts';
import { isKubeNotFound, type KubeClients, type V1Service } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import type { ClusterSpec } from '../pods/cluster-objects.builder';
import { teardownCluster } from '../teardown/cluster-teardown';
import { launchCluster } from './kube-launcher';

const target = testKubeTarget();

/** A managed job group's DNS names: one headless Service per group that outlives each task's cluster. */
describe("a job group's Service (local Kubernetes)", { skip: target ? false : 'no local cluster (run through npm test)' }, () => {
  let clients: KubeClients;
  let ns: { name: string; drop: () => Promise<void> };
  const spec = (clusterName: string, numNodes: number, jobGroup: JobGroupLaunch): ClusterSpec => ({
    clusterName,
    namespace: ns.name,
    numNodes,
    user: 'it',
    cpus: 0.1,
    memoryGb: 0.1,
    labels: {},
    podConfigLayers: [],
    imagePullSecrets: [],
    ports: [],
    portsMode: 'loadbalancer',
    jobGroup,
  });
  const service = (name: string): Promise<V1Service | undefined> =>
    clients.core.readNamespacedService({ name, namespace: ns.name }).then(
      (s) => (s.metadata?.deletionTimestamp ? undefined : s),
      (e: unknown) => {
        if (isKubeNotFound(e) || (e as { code?: number }).code === 404) return undefined;
        throw e;
      },
    );

  before(async () => {
    clients = testProvider(target!).forContext(target!.context);
    ns = await createTestNamespace(clients, 'prov-jobgroup');
  });
  after(async () => {
    await ns?.drop();
  });

  test('the pods are <task>-<rank>.<group>; the Service stays through one task\'s teardown and goes with the last pods', async () => {
    const trainer = { name: 'rl', task: 'trainer', managedJobId: 41 };
    const [a, b] = await Promise.all([
      launchCluster({ clients, spec: spec('sky-jobs-41-1', 2, trainer), secrets: {}, timeoutSeconds: 60, ask: {} }),
      launchCluster({ clients, spec: spec('sky-jobs-41-2', 1, { ...trainer, task: 'buffer' }), secrets: {}, timeoutSeconds: 60, ask: {} }),
    ]);
    assert.equal(a.length + b.length, 3);
    const svc = await service('rl');
    assert.equal(svc?.spec?.clusterIP, 'None');
    assert.equal(svc?.spec?.publishNotReadyAddresses, true);
    assert.deepEqual(svc?.spec?.selector, { 'skyport.dev/job-group': '41' });
    assert.equal(svc?.metadata?.labels?.['skyport.dev/cluster'], undefined, 'a cluster label would make one teardown delete it');
    const pods = (await clients.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'skyport.dev/job-group=41' })).items;
    assert.deepEqual(pods.map((p) => `${p.spec?.hostname}.${p.spec?.subdomain}`).sort(), ['buffer-0.rl', 'trainer-0.rl', 'trainer-1.rl']);

    // One task's cluster goes (a recovery, an auxiliary cancelled): the group's Service stays for the others.
    await teardownCluster(clients, ns.name, 'sky-jobs-41-2');
    assert.ok(await service('rl'), 'the Service went with one task of the group');
    // Its next attempt finds the Service and keeps it.
    await launchCluster({ clients, spec: spec('sky-jobs-41-3', 1, { ...trainer, task: 'buffer' }), secrets: {}, timeoutSeconds: 60, ask: {} });
    await teardownCluster(clients, ns.name, 'sky-jobs-41-3');
    assert.ok(await service('rl'));
    // The group's last pods go: so does its Service.
    await teardownCluster(clients, ns.name, 'sky-jobs-41-1');
    assert.equal(await service('rl'), undefined, "the group's Service outlived its last pods");
  });

  test("another group's Service of the same name is never taken: the launch is refused, naming it, and leaves nothing", async () => {
    await launchCluster({ clients, spec: spec('sky-jobs-50-1', 1, { name: 'sweep', task: 'a', managedJobId: 50 }), secrets: {}, timeoutSeconds: 60, ask: {} });
    await assert.rejects(
      launchCluster({ clients, spec: spec('sky-jobs-51-1', 1, { name: 'sweep', task: 'a', managedJobId: 51 }), secrets: {}, timeoutSeconds: 60, ask: {} }),
      (e) => e instanceof SkyportError && e.code === ErrorCode.Conflict && /Service named 'sweep'.*belongs to job group of managed job 50/.test(e.userMessage),
    );
    assert.equal((await service('sweep'))?.metadata?.labels?.['skyport.dev/job-group'], '50');
    assert.deepEqual((await clients.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'skyport.dev/job-group=51' })).items, []);
    await teardownCluster(clients, ns.name, 'sky-jobs-50-1');
    assert.equal(await service('sweep'), undefined);
  });
});
