import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_LABELS } from '@skyport/contracts';
import { repoRoot } from '@skyport/dev-stack';
import { testKubeTarget, testProvider } from '@skyport/kube/testing';
import { clusterDown, clusterUp } from './burst/burst-stack';
import { sleep, startManagedJobsBed, type ManagedJobsBed } from './managed-jobs-harness';

/** A second local KWOK cluster (one node) beside the shared one; stopped at the end when this suite started it. */
const SECOND = { name: 'mj-next', layout: 'small', nodes: 1 };

/**
 * job_recovery.strategy on two Kubernetes contexts (the shared local cluster and a second KWOK cluster), the whole
 * control plane as processes: a job whose pods are deleted relaunches on the other context with EAGER_NEXT_REGION
 * and on the same context with FAILOVER — both contexts fit the task, so only the strategy's order decides; and a
 * job whose context became unschedulable (every node tainted) relaunches on the other one.
 */
describe('managed jobs: recovery strategies across two contexts', { timeout: 15 * 60_000 }, () => {
  let bed: ManagedJobsBed;
  let kubeconfig: string;
  let home: string;
  const second = `skyport-${SECOND.name}`;

  before(async () => {
    const shared = testKubeTarget();
    if (!shared) throw new Error('end-to-end tests need the local Kubernetes control plane: run them through `npm test`');
    kubeconfig = clusterUp(SECOND.name, SECOND.layout, SECOND.nodes);
    const contexts = [shared.context, `skyport-${SECOND.name}`];
    home = mkdtempSync(join(tmpdir(), 'skyport-mj-strategies-'));
    const config = join(home, 'config.yaml');
    writeFileSync(config, `kubernetes:\n  allowed_contexts: [${contexts.join(', ')}]\n`);
    bed = await startManagedJobsBed('e2e_mj_strategies', {
      env: { SKYPORT_CONFIG: config, SKYPORT_ALLOWED_CONTEXTS: contexts.join(',') },
      kube: { kubeconfig, context: shared.context },
    });
  });
  after(async () => {
    await bed?.stop();
    // A test that failed between blocking and unblocking must not leave the cluster tainted for a next run.
    if (kubeconfig) scheduling('unblock', SECOND.name);
    if (home) rmSync(home, { recursive: true, force: true });
    // Two cores: an idle control plane still costs. SKYPORT_KEEP_BURST_CLUSTERS=1 keeps it for a next run.
    if (process.env.SKYPORT_KEEP_BURST_CLUSTERS !== '1') clusterDown(SECOND.name);
  });

  const api = <T>(method: string, path: string, body?: unknown) => bed.api<T>(method, path, body);
  const until = (...[id, done, what, ms = 120_000]: Parameters<ManagedJobsBed['until']>) => bed.until(id, done, what, ms);

  /** The context a cluster was placed on (`kubernetes/<context>`), once it has one. */
  async function contextOf(cluster: string): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const view = await api<{ infra?: string }>('GET', `/v1/clusters/${cluster}`);
      if (view.infra?.startsWith('kubernetes/')) return view.infra.slice('kubernetes/'.length);
      assert.ok(Date.now() - t0 < 60_000, `cluster ${cluster} was never placed: ${JSON.stringify(view)}`);
      await sleep(300);
    }
  }

  async function deletePods(context: string, cluster: string): Promise<void> {
    const clients = testProvider({ kubeconfig, context }).forContext(context);
    const namespace = clients.context.namespace;
    const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: `${NODE_LABELS.cluster}=${cluster}` });
    assert.ok(pods.items.length > 0, `no pod of ${cluster} on ${context}`);
    for (const pod of pods.items) await clients.core.deleteNamespacedPod({ namespace, name: pod.metadata!.name!, gracePeriodSeconds: 0 });
  }

  /** Runs a job whose first attempt sleeps, deletes its pods, and returns the contexts of the two attempts. */
  async function lostOnce(strategy: string): Promise<{ first: string; second: string }> {
    const task = `name: ${strategy.toLowerCase().replace(/_/g, '-')}\nresources:\n  cpus: 1\n  job_recovery:\n    strategy: ${strategy}\nrun: |\n  if echo "$SKYPILOT_CLUSTER_INFO" | grep -q '"cluster_name":"sky-jobs-[0-9]*-1"'; then sleep 300; fi\n  echo done\n`;
    const { id } = await api<{ id: number }>('POST', '/v1/jobs', { task });
    const running = await until(id, (j) => j.status === 'RUNNING', 'RUNNING');
    const first = await contextOf(running.cluster!);
    await deletePods(first, running.cluster!);
    const done = await until(id, (j) => j.status === 'SUCCEEDED', 'SUCCEEDED after its recovery', 180_000);
    assert.equal(done.recoveryCount, 1);
    assert.equal(done.cluster, `sky-jobs-${id}-2`);
    return { first, second: await contextOf(done.cluster!) };
  }

  it('EAGER_NEXT_REGION: the relaunch goes to the other context, though the lost one fits', async () => {
    const { first, second } = await lostOnce('EAGER_NEXT_REGION');
    assert.notEqual(second, first, `relaunched on the lost context ${first}`);
  });

  it('FAILOVER: the relaunch tries the lost context first and runs there', async () => {
    const { first, second } = await lostOnce('FAILOVER');
    assert.equal(second, first);
  });

  /** `cluster.sh block-scheduling` / `unblock-scheduling`: taints (or untaints) every node of a local cluster. */
  const scheduling = (what: 'block' | 'unblock', name: string) =>
    execFileSync('bash', [join(repoRoot(), 'test', 'cluster', 'cluster.sh'), `${what}-scheduling`, '--name', name], { stdio: 'ignore', timeout: 60_000 });

  it('its context unschedulable and its pods gone, the job relaunches on the other context (FAILOVER tries the lost one first)', async () => {
    // The job starts on the second cluster (`ordered` puts it first): only that one is blocked, never the shared one.
    const task = `name: unschedulable\nresources:\n  cpus: 1\n  job_recovery:\n    strategy: FAILOVER\n  ordered:\n    - infra: kubernetes/${second}\n    - infra: kubernetes/${testKubeTarget()!.context}\nrun: |\n  if echo "$SKYPILOT_CLUSTER_INFO" | grep -q '"cluster_name":"sky-jobs-[0-9]*-1"'; then sleep 300; fi\n  echo done\n`;
    const { id } = await api<{ id: number }>('POST', '/v1/jobs', { task });
    try {
      const running = await until(id, (j) => j.status === 'RUNNING', 'RUNNING');
      assert.equal(await contextOf(running.cluster!), second);
      scheduling('block', SECOND.name);
      await deletePods(second, running.cluster!);
      const done = await until(id, (j) => j.status === 'SUCCEEDED', 'SUCCEEDED after its recovery', 180_000);
      assert.equal(done.recoveryCount, 1);
      assert.equal(done.cluster, `sky-jobs-${id}-2`);
      assert.equal(await contextOf(done.cluster!), testKubeTarget()!.context);
    } finally {
      scheduling('unblock', SECOND.name);
    }
  });
});
