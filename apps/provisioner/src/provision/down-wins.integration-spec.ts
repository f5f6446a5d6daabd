import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, RequestStatus } from '@skyport/contracts';
import { ApiException } from '@kubernetes/client-node';
import { type KubeClientProvider, type KubeClients } from '@skyport/kube';
import { testKubeTarget } from '@skyport/kube/testing';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import { CapacityService } from '../capacity/capacity.service';
import { TeardownService } from '../teardown/teardown.service';
import { ProvisionService } from './provision.service';
import type { PlanCandidate } from './cluster-spec.factory';
import { kubernetesCandidate, startProvisionerTestBed, type ProvisionerTestBed } from '../testing/provisioner-test-bed';

/**
 * `down` always wins: a teardown accepted while a launch is in flight fences the cluster (the api moves it to
 * TEARING_DOWN in the transaction that accepts the `down`), and the launch that loses the race removes what it
 * created instead of bringing the cluster back UP. Real Postgres and the local Kubernetes control plane.
 */
const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

describe('launch races and faults: down during a launch, API blips', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let bed: ProvisionerTestBed;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let capacity: CapacityService;
  let ns: { name: string; drop: () => Promise<void> };
  const logger = createLogger('provisioner-test', 'silent');

  before(async () => {
    bed = await startProvisionerTestBed('down-wins', target!);
    ({ ds, kube, capacity, ns } = bed);
  });

  after(async () => {
    await bed?.stop();
  });

  const candidate = (): PlanCandidate => kubernetesCandidate(target!.context, '1CPU--1GB');

  /** A launch as the api records it: the cluster row names the request that placed it (the fence token). */
  async function seed(clusterName: string, numNodes = 2): Promise<{ requestId: string; planId: string }> {
    const task = parseTaskYaml(`resources:\n  cpus: 1\n  memory: 1\nnum_nodes: ${numNodes}\nrun: echo hi\n`).tasks[0]!;
    const requestId = randomUUID();
    const planId = randomUUID();
    await ds.query(`INSERT INTO clusters (name, phase, owner, request_id) VALUES ($1, 'INIT', 'alice', $2)`, [clusterName, requestId]);
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', $3, 'alice')`, [requestId, clusterName, JSON.stringify({ task })]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'PENDING', $2, $3)`, [clusterName, requestId, JSON.stringify(task)]);
    await ds.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [
      planId,
      requestId,
      clusterName,
      JSON.stringify({ planId, numNodes, candidates: [candidate()], chosenIndex: 0 }),
    ]);
    return { requestId, planId };
  }

  /** What the api's `down` does in its transaction: the fence. The teardown job follows. */
  const acceptDown = (clusterName: string) => ds.query(`UPDATE clusters SET intent = 'down', intent_reason = 'teardown requested by alice' WHERE name = $1`, [clusterName]);

  const podsOf = async (clusterName: string) =>
    (await kube.forContext(target!.context).core.listNamespacedPod({ namespace: ns.name, labelSelector: `skyport.dev/cluster=${clusterName}` })).items.filter((p) => !p.metadata?.deletionTimestamp);

  const statusOf = async (table: 'clusters' | 'requests', key: string) =>
    (await ds.query(`SELECT status FROM ${table} WHERE ${table === 'clusters' ? 'name' : 'id'} = $1`, [key]))[0]?.status as string;

  /**
   * The provider the launch uses, calling `onPodCreated` right after its first pod is created (or, with
   * `before`, before it: a hook that throws there fails that create call as the API server would).
   */
  function hooked(onPodCreated: () => Promise<void>, before = false): KubeClientProvider {
    let fired = false;
    const provider = Object.create(kube) as KubeClientProvider;
    provider.forContext = (name, options) => {
      const clients = kube.forContext(name, options);
      const core = new Proxy(clients.core, {
        get(t, prop, receiver) {
          const value = Reflect.get(t, prop, receiver) as unknown;
          if (prop === 'createNamespacedPod' && typeof value === 'function') {
            return async (...args: unknown[]) => {
              if (before && !fired) {
                fired = true;
                await onPodCreated();
              }
              const created = await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
              if (!fired) {
                fired = true;
                await onPodCreated();
              }
              return created;
            };
          }
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
        },
      });
      return { ...clients, core } as KubeClients;
    };
    return provider;
  }

  test('a down accepted before provisioning starts: the launch is cancelled and creates nothing', async () => {
    const { requestId, planId } = await seed('dw-early');
    await acceptDown('dw-early');
    const provision = new ProvisionService({ db: ds, kube, capacity, config: { kubernetes: { namespace: ns.name, provision_timeout: 20 } }, logger });
    await provision.provision({ requestId, clusterName: 'dw-early', planId });
    assert.equal(await statusOf('requests', requestId), RequestStatus.Cancelled);
    assert.equal(await statusOf('clusters', 'dw-early'), ClusterStatus.TearingDown, 'the launch leaves the row to the teardown');
    assert.equal((await podsOf('dw-early')).length, 0);
    const [job] = await ds.query(`SELECT status FROM jobs WHERE request_id = $1`, [requestId]);
    assert.equal(job.status, JobStatus.Cancelled);
  });

  test('a down accepted while the pods are being created: teardown runs, the launch loses, nothing is left and the cluster stays down', async () => {
    const { requestId, planId } = await seed('dw-race', 3);
    const teardown = new TeardownService({ db: ds, kube, logger });
    let teardownDone: Promise<void> | undefined;
    const provision = new ProvisionService({
      db: ds,
      kube: hooked(async () => {
        await acceptDown('dw-race');
        // The teardown job runs while the launch is still creating and waiting for its pods.
        teardownDone = teardown.teardown({ clusterName: 'dw-race', requestId: randomUUID(), reason: 'user' });
      }),
      capacity,
      config: { kubernetes: { namespace: ns.name, provision_timeout: 20 } },
      logger,
    });
    await provision.provision({ requestId, clusterName: 'dw-race', planId });
    await teardownDone;
    assert.equal(await statusOf('clusters', 'dw-race'), ClusterStatus.Terminated, 'down won: not UP');
    assert.equal(await statusOf('requests', requestId), RequestStatus.Cancelled);
    const deadline = Date.now() + 30_000;
    while ((await podsOf('dw-race')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal((await podsOf('dw-race')).length, 0, 'no orphan pod');
    const events = (await ds.query(`SELECT type FROM events WHERE request_id = $1 ORDER BY id`, [requestId])).map((e: { type: string }) => e.type);
    assert.ok(events.includes('request.cancelled'), events.join(','));
    assert.ok(!events.includes('cluster.up'), events.join(','));
  });

  test('a Kubernetes API blip (503) during a launch is retried on the same candidate, not counted as its failure', async () => {
    const { requestId, planId } = await seed('dw-blip', 1);
    const provision = new ProvisionService({
      db: ds,
      kube: hooked(async () => {
        throw new ApiException(503, 'Service Unavailable', { kind: 'Status', code: 503, message: 'the server is currently unable to handle the request' }, {});
      }, true),
      capacity,
      config: { kubernetes: { namespace: ns.name, provision_timeout: 20 } },
      logger,
      transientFirstDelayMs: 100,
    });
    await provision.provision({ requestId, clusterName: 'dw-blip', planId });
    assert.equal(await statusOf('clusters', 'dw-blip'), ClusterStatus.Up);
    const attempts = await ds.query(`SELECT outcome FROM attempts WHERE request_id = $1`, [requestId]);
    assert.deepEqual(attempts.map((a: { outcome: string }) => a.outcome), ['succeeded'], 'one attempt, not a failed one');
    const events = (await ds.query(`SELECT type FROM events WHERE request_id = $1 ORDER BY id`, [requestId])).map((e: { type: string }) => e.type);
    assert.ok(events.includes('provision.retrying'), events.join(','));
    await new TeardownService({ db: ds, kube, logger }).teardown({ clusterName: 'dw-blip', requestId: randomUUID(), reason: 'user' });
  });
});
