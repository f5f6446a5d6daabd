import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, NODE_LABELS, RequestStatus } from '@skyport/contracts';
import { type KubeClientProvider } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { createLogger } from '@skyport/service-kit';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import type { ProvisionerConfig } from '../config';
import { ClusterHealthService } from './cluster-health.service';

/** Cluster health after UP against real Postgres and the local Kubernetes control plane. */
const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

describe('cluster health after UP', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let ns: { name: string; drop: () => Promise<void> };
  let health: ClusterHealthService;

  before(async () => {
    db = await migratedTestDatabase('cluster-health');
    ds = db.ds;
    kube = testProvider(target!);
    ns = await createTestNamespace(kube.forContext(target!.context), 'health');
    const config = { SKYPORT_DATABASE_URL: db.url, SKYPORT_CLUSTER_HEALTH_SECONDS: 3600 } as unknown as ProvisionerConfig;
    health = new ClusterHealthService(ds, kube, config, createLogger('health-test', 'silent'));
  });

  after(async () => {
    await ns?.drop();
    await db?.drop();
  });

  async function nodePod(cluster: string, rank: number): Promise<string> {
    const name = `${cluster}-${rank}`;
    await kube.forContext(target!.context).core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name, labels: { [NODE_LABELS.cluster]: cluster, [NODE_LABELS.nodeRank]: String(rank), [NODE_LABELS.managedBy]: NODE_LABELS.managedByValue } },
        spec: { containers: [{ name: 'skyport', image: 'busybox', command: ['sleep', 'infinity'] }] },
      },
    });
    return name;
  }

  async function upCluster(name: string, numNodes: number): Promise<{ requestId: string }> {
    const requestId = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', '{}', 'alice')`, [requestId, name]);
    await ds.query(
      `INSERT INTO clusters (name, phase, owner, request_id, infra, namespace, num_nodes, updated_at) VALUES ($1, 'UP', 'alice', $2, $3, $4, $5, now() - interval '1 minute')`,
      [name, requestId, `kubernetes/${target!.context}`, ns.name, numNodes],
    );
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'RUNNING', $2, '{}')`, [name, requestId]);
    return { requestId };
  }

  const running = async (pod: string) => {
    for (let i = 0; i < 100; i++) {
      const p = await kube.forContext(target!.context).core.readNamespacedPod({ namespace: ns.name, name: pod });
      if (p.status?.phase === 'Running') return;
      await sleep(100);
    }
    throw new Error(`${pod} never ran`);
  };

  test('a healthy cluster is left alone; one whose pod was deleted outside Skyport is FAILED with the reason, its job and request too', async () => {
    const healthyPods = [await nodePod('ok', 0), await nodePod('ok', 1)];
    const lostPods = [await nodePod('lost', 0), await nodePod('lost', 1)];
    for (const p of [...healthyPods, ...lostPods]) await running(p);
    await upCluster('ok', 2);
    const { requestId } = await upCluster('lost', 2);
    assert.deepEqual(await health.pass(), []);

    await kube.forContext(target!.context).core.deleteNamespacedPod({ namespace: ns.name, name: lostPods[1], gracePeriodSeconds: 0 });
    for (let i = 0; i < 50; i++) {
      const left = (await kube.forContext(target!.context).core.listNamespacedPod({ namespace: ns.name, labelSelector: `${NODE_LABELS.cluster}=lost` })).items;
      if (left.length === 1) break;
      await sleep(100);
    }
    const lost = await health.pass();
    assert.deepEqual(lost.map((l) => l.cluster), ['lost']);
    assert.match(lost[0].reason, /1 of 2 node\(s\) running: node 1: its pod was deleted/);

    const [cluster] = await ds.query(`SELECT name, status, status_reason FROM clusters WHERE name = 'lost'`);
    assert.equal(cluster.status, ClusterStatus.Failed);
    assert.match(cluster.status_reason, /skyport launch -c lost/);
    const [job] = await ds.query(`SELECT status FROM jobs WHERE cluster_name = 'lost'`);
    assert.equal(job.status, JobStatus.FailedDriver);
    const [request] = await ds.query(`SELECT status, error_message FROM requests WHERE id = $1`, [requestId]);
    assert.equal(request.status, RequestStatus.Failed);
    assert.match(request.error_message, /its pod was deleted/);
    assert.equal((await ds.query(`SELECT status FROM clusters WHERE name = 'ok'`))[0].status, ClusterStatus.Up);

    // Reported once: the next pass finds nothing new.
    assert.deepEqual(await health.pass(), []);
  });

  test('a cluster whose Kubernetes objects are all gone (the local cluster was recreated) is FAILED, so a new launch provisions it again', async () => {
    await upCluster('recreated', 1);
    const lost = await health.pass();
    assert.deepEqual(lost.map((l) => l.cluster), ['recreated']);
    assert.match(lost[0].reason, /0 of 1 node\(s\) running/);
  });
});
