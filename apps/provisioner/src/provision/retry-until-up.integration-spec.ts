import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ClusterStatus, QueueName, RequestStatus } from '@skyport/contracts';
import { type KubeClientProvider } from '@skyport/kube';
import { testKubeTarget } from '@skyport/kube/testing';
import { AttemptEntity, ClusterEntity, EventEntity, RequestEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import { CapacityService } from '../capacity/capacity.service';
import { TeardownService } from '../teardown/teardown.service';
import { ProvisionService } from './provision.service';
import type { PlanCandidate } from './cluster-spec.factory';
import { kubernetesCandidate, startProvisionerTestBed, type ProvisionerTestBed } from '../testing/provisioner-test-bed';

const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

/**
 * `-r/--retry-until-up`: when every candidate of the plan failed (none for the task's own sake), the launch is not
 * failed: it waits (cluster INIT, request PENDING, an event saying so) and all candidates are planned again.
 */
describe('provision with --retry-until-up (Postgres + local control plane)', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let bed: ProvisionerTestBed;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let capacity: CapacityService;
  let ns: { name: string; drop: () => Promise<void> };
  const logger = createLogger('provisioner-test', 'silent');

  before(async () => {
    bed = await startProvisionerTestBed('retry_until_up', target!);
    ({ ds, kube, capacity, ns } = bed);
  });

  after(async () => {
    await bed?.stop();
  });

  async function seed(clusterName: string, payload: Record<string, unknown>, candidates: PlanCandidate[]): Promise<{ requestId: string; planId: string }> {
    const task = parseTaskYaml('resources:\n  cpus: 1\nrun: echo hi\n').tasks[0]!;
    const requestId = randomUUID();
    const planId = randomUUID();
    await ds.query(`INSERT INTO clusters (name, phase) VALUES ($1, 'INIT')`, [clusterName]);
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', $3, 'alice')`, [requestId, clusterName, JSON.stringify({ task, ...payload })]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'PENDING', $2, $3)`, [clusterName, requestId, JSON.stringify(task)]);
    await ds.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [planId, requestId, clusterName, JSON.stringify({ planId, numNodes: 1, candidates, chosenIndex: 0 })]);
    return { requestId, planId };
  }

  test('every candidate failed: the launch waits and is planned again with nothing ruled out, instead of failing', async () => {
    const enqueued: Array<{ queue: string; payload: unknown; delayMs?: number }> = [];
    const queue = { enqueue: async (name: QueueName, payload: unknown, options?: { delayMs?: number }) => void enqueued.push({ queue: name, payload, delayMs: options?.delayMs }) };
    const provision = new ProvisionService({ db: ds, kube, capacity, config: { kubernetes: { namespace: ns.name, provision_timeout: 8 } }, logger, queue: queue as never });
    // Unschedulable on the local cluster (no node has 512 CPUs): a definite, fast failure of the only candidate.
    const big: PlanCandidate = kubernetesCandidate(target!.context, '512CPU--1GB');
    const { requestId, planId } = await seed('retry1', { retryUntilUp: true }, [big]);
    await provision.provision({ requestId, clusterName: 'retry1', planId });

    const cluster = await ds.manager.findOneByOrFail(ClusterEntity, { name: 'retry1' });
    assert.equal(cluster.status, ClusterStatus.Init);
    assert.match(cluster.statusReason ?? '', /^waiting for capacity \(--retry-until-up\): /);
    assert.equal((await ds.manager.findOneByOrFail(RequestEntity, { id: requestId })).status, RequestStatus.Pending);
    assert.deepEqual((await ds.manager.findBy(AttemptEntity, { requestId })).map((a) => a.outcome), ['failed']);
    const waiting = await ds.manager.findOneByOrFail(EventEntity, { requestId, type: 'request.waiting' });
    assert.match(waiting.message, /waiting for capacity \(--retry-until-up\), every candidate failed; planning all again: .*too little free CPU/);
    assert.equal(enqueued.length, 1);
    assert.equal(enqueued[0].queue, QueueName.Optimize);
    assert.equal(enqueued[0].delayMs, 3_000);
    const next = enqueued[0].payload as { requestId: string; clusterName: string; blocked: unknown[]; waitRound?: number };
    assert.deepEqual({ ...next, waitRound: typeof next.waitRound }, { requestId, clusterName: 'retry1', blocked: [], waitRound: 'number' });

    // Without the flag the same failure ends the launch (as before).
    const plain = await seed('retry2', {}, [big]);
    await provision.provision({ ...plain, clusterName: 'retry2' });
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'retry2' })).status, ClusterStatus.Failed);
    assert.equal(enqueued.length, 1);
    await new TeardownService({ db: ds, kube, logger }).teardown({ clusterName: 'retry1', reason: 'user' });
  });
});
