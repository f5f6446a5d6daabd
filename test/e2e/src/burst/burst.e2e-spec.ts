import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClusterDetail, RequestView } from '@skyport/contracts';
import { CLUSTERS, contextOf, podsOf, startBurstStack, waitFor, type BurstStack } from './burst-stack';

const SUFFIX = Math.random().toString(36).slice(2, 6);
const name = (s: string) => `${s}-${SUFFIX}`;

const CPU7 = (extra = '') => `resources:\n  cpus: 7+\n  memory: 8+\n${extra}run: echo "node $SKYPILOT_NODE_RANK of $SKYPILOT_NUM_NODES"\n`;
const GPU8 = (extra = '') => `resources:\n  accelerators: A100:8\n${extra}run: echo "gpus $SKYPILOT_NUM_GPUS_PER_NODE"\n`;

/**
 * Multi-cluster + burst, end to end: api, optimizer and provisioner as processes; three local Kubernetes clusters
 * (burst-a: CPU on-prem, burst-g: GPU nodes, burst-c: full); EC2 from moto; a local sshd standing in for the VMs.
 */
describe('multi-cluster failover and burst to AWS', { timeout: 30 * 60_000 }, () => {
  let stack: BurstStack;
  const launched: string[] = [];

  before(async () => {
    stack = await startBurstStack();
  });

  after(async () => {
    if (!stack) return;
    for (const c of launched) await stack.client.down(c).catch(() => undefined);
    for (const c of launched) await waitGone(c).catch(() => undefined);
    for (const id of await vmIds()) await rm(join(homedir(), '.skyport-test-vms', id), { recursive: true, force: true });
    await stack.stop();
  });

  const instanceIds = new Set<string>();
  async function vmIds(): Promise<string[]> {
    return [...instanceIds];
  }

  async function launch(cluster: string, task: string, opts: { noBurst?: boolean } = {}): Promise<string> {
    launched.push(cluster);
    const accepted = await stack.client.launch(cluster, { task, ...(opts.noBurst ? { noBurst: true } : {}) });
    return accepted.requestId;
  }

  async function request(id: string): Promise<RequestView> {
    return await stack.client.getRequest(id);
  }

  async function settled(id: string, timeoutMs = 180_000): Promise<RequestView> {
    return await waitFor(`request ${id} to end`, async () => {
      const r = await request(id);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) ? r : undefined;
    }, timeoutMs, () => stack.output());
  }

  async function detail(cluster: string): Promise<ClusterDetail> {
    return await stack.client.getCluster(cluster);
  }

  async function waitGone(cluster: string): Promise<void> {
    await waitFor(`cluster ${cluster} to be torn down`, async () => {
      const d = await detail(cluster).catch(() => undefined);
      return !d || d.status === 'TERMINATED' ? true : undefined;
    }, 120_000, () => stack.output());
  }

  async function liveInstances(cluster: string): Promise<string[]> {
    const out: string[] = [];
    for (const region of ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1']) {
      for (const i of await stack.aws.describe(cluster, region)) out.push(`${region}/${i.instanceId}`);
    }
    return out;
  }

  const eventsText = (d: ClusterDetail) => d.events.map((e) => `${e.type}: ${e.message}`).join('\n');

  test('pinned context: infra kubernetes/<ctx> runs there and only there', async () => {
    const c = name('pin');
    const id = await launch(c, `resources:\n  infra: kubernetes/${contextOf(CLUSTERS.onprem.name)}\n  cpus: 1\nrun: echo pinned\n`);
    const r = await settled(id);
    assert.equal(r.status, 'SUCCEEDED', JSON.stringify(r));
    const d = await detail(c);
    assert.equal(d.infra, `kubernetes/${contextOf(CLUSTERS.onprem.name)}`);
    assert.deepEqual(d.attempts.map((a) => [a.candidateId, a.outcome]), [[`kubernetes/${contextOf(CLUSTERS.onprem.name)}`, 'succeeded']]);
    await stack.client.down(c);
    await waitGone(c);
    assert.deepEqual(podsOf(CLUSTERS.onprem.name, c), []);
  });

  test('capacity-aware skip and failover: the full context is never tried; the loser of a race fails over on FailedScheduling', async () => {
    // burst-a has two 8-CPU nodes: three 7-CPU clusters launched at once all see it free; one cannot schedule there.
    const names = [name('race0'), name('race1'), name('race2')];
    const ids = await Promise.all(names.map((c) => launch(c, CPU7())));
    const results = await Promise.all(ids.map((id) => settled(id)));
    assert.deepEqual(results.map((r) => r.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'], stack.output().slice(-4000));
    const details = await Promise.all(names.map((c) => detail(c)));
    for (const d of details) {
      // The congested context was skipped from the snapshot: no attempt, no pod.
      assert.ok(!d.attempts.some((a) => a.candidateId === `kubernetes/${contextOf(CLUSTERS.congested.name)}`), JSON.stringify(d.attempts));
      assert.deepEqual(podsOf(CLUSTERS.congested.name, d.name), []);
    }
    const onA = details.filter((d) => d.infra === `kubernetes/${contextOf(CLUSTERS.onprem.name)}`);
    assert.equal(onA.length, 2, details.map((d) => `${d.name}: ${d.infra}`).join(', '));
    const movedOver = details.find((d) => d.infra !== `kubernetes/${contextOf(CLUSTERS.onprem.name)}`)!;
    assert.equal(movedOver.infra, `kubernetes/${contextOf(CLUSTERS.gpu.name)}`);
    const attempts = movedOver.attempts.map((a) => [a.candidateId, a.outcome]);
    if (attempts.length === 2) {
      // The usual race: its plan saw room on burst-a, its pod got FailedScheduling, it failed over within the
      // provision timeout and the failed attempt says why.
      assert.deepEqual(attempts, [[`kubernetes/${contextOf(CLUSTERS.onprem.name)}`, 'failed'], [`kubernetes/${contextOf(CLUSTERS.gpu.name)}`, 'succeeded']]);
      assert.match(movedOver.attempts[0]!.reason ?? '', /too little free CPU|Insufficient cpu/i);
    } else {
      // Its plan came after the others' pods were in the snapshot: burst-a was skipped without an attempt.
      assert.deepEqual(attempts, [[`kubernetes/${contextOf(CLUSTERS.gpu.name)}`, 'succeeded']]);
    }
    assert.deepEqual(podsOf(CLUSTERS.onprem.name, movedOver.name), [], 'the failed attempt left no pod behind');
    for (const c of names) await stack.client.down(c);
    for (const c of names) await waitGone(c);
  });

  test('GPU task: on-prem has no GPUs → the GPU context; a second one finds every context full → GCP is not available → AWS', async () => {
    const g1 = name('gpu1');
    const r1 = await settled(await launch(g1, GPU8()));
    assert.equal(r1.status, 'SUCCEEDED', JSON.stringify(r1));
    assert.equal((await detail(g1)).infra, `kubernetes/${contextOf(CLUSTERS.gpu.name)}`);

    const g2 = name('gpu2');
    const r2 = await settled(await launch(g2, GPU8()), 240_000);
    assert.equal(r2.status, 'SUCCEEDED', `${JSON.stringify(r2)}\n${stack.output().slice(-6000)}`);
    const d2 = await detail(g2);
    assert.match(d2.infra ?? '', /^aws\//);
    const attempts = d2.attempts.map((a) => `${a.candidateId} ${a.outcome}`);
    assert.ok(/^aws\/.* succeeded$/.test(attempts[attempts.length - 1]!), attempts.join('\n'));
    // Every passed-over context with its reason, then the choice: in the status and in the cluster.up event.
    for (const part of [/(^|; )skyport-burst-a: [^;]*GPU/, /(^|; )skyport-burst-g: /, /(^|; )skyport-burst-c: /, /; chose aws\/[a-z0-9-]+ p4d\.24xlarge$/]) assert.match(d2.statusReason ?? '', part);
    assert.match(eventsText(d2), /cluster\.up: .*chose aws\/[a-z0-9-]+ p4d\.24xlarge/);
    const live = await liveInstances(g2);
    assert.equal(live.length, 1);
    live.forEach((l) => instanceIds.add(l.split('/')[1]!));
    for (const ctx of Object.values(CLUSTERS)) assert.deepEqual(podsOf(ctx.name, g2), []);
  });

  test('--no-burst waits in the queue (no cloud, no failure) and runs when its context frees up', async () => {
    const nb = name('nob');
    const id = await launch(nb, GPU8(`  infra: kubernetes/${contextOf(CLUSTERS.gpu.name)}\n`), { noBurst: true });
    const waiting = await waitFor('the waiting event', async () => {
      const d = await detail(nb).catch(() => undefined);
      return d?.events.find((e) => e.type === 'request.waiting');
    }, 60_000, () => stack.output());
    assert.match(waiting.message, /^waiting for capacity \(--no-burst\), position \d+ in the queue: /);
    await new Promise((r) => setTimeout(r, 5_000));
    assert.equal((await request(id)).status, 'PENDING');
    assert.equal((await detail(nb)).attempts.length, 0, 'nothing was tried while waiting');
    assert.deepEqual(await liveInstances(nb), []);

    await stack.client.down(name('gpu1'));
    await waitGone(name('gpu1'));
    const r = await settled(id, 120_000);
    assert.equal(r.status, 'SUCCEEDED', JSON.stringify(r));
    assert.equal((await detail(nb)).infra, `kubernetes/${contextOf(CLUSTERS.gpu.name)}`);
  });

  test('multi-node is all or nothing across the failover: 3 × 7 CPUs fit no context → 3 VMs on AWS, no pod anywhere', async () => {
    const mn = name('multi');
    const r = await settled(await launch(mn, `num_nodes: 3\n${CPU7()}`), 240_000);
    assert.equal(r.status, 'SUCCEEDED', `${JSON.stringify(r)}\n${stack.output().slice(-6000)}`);
    const d = await detail(mn);
    assert.match(d.infra ?? '', /^aws\//);
    assert.equal(d.numNodes, 3);
    // GCP is cheaper for 8 vCPUs and "enabled" for planning, but Skyport cannot launch there: one attempt says so
    // and rules out every GCP candidate; AWS is next.
    const gcp = d.attempts.filter((a) => a.candidateId.startsWith('gcp/'));
    assert.equal(gcp.length, 1, d.attempts.map((a) => `${a.candidateId} ${a.outcome}`).join('\n'));
    assert.match(gcp[0]!.reason ?? '', /GCP is a catalog candidate only: .*provider not available/);
    assert.equal(d.attempts[d.attempts.length - 1]!.outcome, 'succeeded');
    const live = await liveInstances(mn);
    assert.equal(live.length, 3);
    live.forEach((l) => instanceIds.add(l.split('/')[1]!));
    for (const ctx of Object.values(CLUSTERS)) assert.deepEqual(podsOf(ctx.name, mn), [], `no pod of ${mn} on ${ctx.name}`);
  });

  test('teardown on every path leaves no pods and no instances', async () => {
    for (const c of launched) await stack.client.down(c).catch(() => undefined);
    for (const c of launched) await waitGone(c);
    for (const c of launched) {
      for (const ctx of Object.values(CLUSTERS)) assert.deepEqual(podsOf(ctx.name, c), [], `${c} on ${ctx.name}`);
      assert.deepEqual(await liveInstances(c), [], `instances of ${c}`);
    }
  });
});
