import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { ClusterStatus } from '@skyport/contracts';
import { type KubeClientProvider, type KubeClients } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { CloudInstanceEntity, ClusterEntity } from '@skyport/persistence';
import { parseTaskYaml } from '@skyport/task-spec';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import { liveEndpoints } from './live-endpoints';

/**
 * `status --endpoints` reads the cluster's objects now, not what the launch recorded: a LoadBalancer whose
 * address came after the launch's short wait shows; a cloud cluster shows its head VM's address. Real Postgres and
 * the local Kubernetes control plane (whose load-balancer controller hands out 127.x addresses).
 */
const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

describe('live endpoints', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let clients: KubeClients;
  let ns: { name: string; drop: () => Promise<void> };
  const task = parseTaskYaml('resources:\n  cpus: 1\n  ports: [8888, 9000]\nrun: python3 -m http.server 8888\n').tasks[0]!;

  before(async () => {
    db = await migratedTestDatabase('live-endpoints');
    ds = db.ds;
    kube = testProvider(target!);
    clients = kube.forContext(target!.context);
    ns = await createTestNamespace(clients, 'live-ep');
  });
  after(async () => {
    await ns?.drop();
    await db?.drop();
  });

  const cluster = (name: string, infra: string, namespace: string | null) =>
    ds.manager.insert(ClusterEntity, { name, phase: ClusterStatus.Up, owner: 'u', infra, namespace, numNodes: 1, task: task as never, autostopDown: false });

  test('a LoadBalancer address that arrives after the launch shows on the next read', async () => {
    const name = 'lb-late';
    await cluster(name, `kubernetes/${target!.context}`, ns.name);
    // The launch gave up waiting before the Service existed or had an address: nothing to show yet.
    assert.deepEqual(await liveEndpoints({ db: ds, kube, config: {} }, name), {});
    await clients.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: `${name}-ports` }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [8888, 9000].map((port) => ({ name: `p${port}`, port, targetPort: port })) } },
    });
    const deadline = Date.now() + 30_000;
    let found: Record<string, string> = {};
    while (Object.keys(found).length < 2 && Date.now() < deadline) {
      found = await liveEndpoints({ db: ds, kube, config: {} }, name);
      if (Object.keys(found).length < 2) await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(found['8888'] ?? '', /^http:\/\/127\.\d+\.\d+\.\d+:8888$/, JSON.stringify(found));
    assert.match(found['9000'] ?? '', /^http:\/\/127\.\d+\.\d+\.\d+:9000$/);
  });

  test('a cloud cluster shows its head VM address; a cluster that is not UP shows none', async () => {
    await cluster('vm', 'aws/us-east-1', null);
    await ds.manager.insert(CloudInstanceEntity, {
      provider: 'aws', region: 'us-east-1', instanceId: 'i-0123', clusterName: 'vm', nodeRank: 0, instanceType: 't3.small', useSpot: false, state: 'running', publicIp: '127.0.0.9', privateIp: null, sshUser: 'ubuntu',
    });
    assert.deepEqual(await liveEndpoints({ db: ds, kube, config: {} }, 'vm'), { '8888': 'http://127.0.0.9:8888', '9000': 'http://127.0.0.9:9000' });
    await ds.manager.update(ClusterEntity, { name: 'vm' }, { phase: ClusterStatus.Terminated });
    assert.deepEqual(await liveEndpoints({ db: ds, kube, config: {} }, 'vm'), {});
  });
});
