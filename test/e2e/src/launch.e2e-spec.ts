import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot } from '@skyport/dev-stack';
import { testProvider } from '@skyport/kube';
import { skyport, startE2eStack, type E2eStack } from './e2e-stack';

/**
 * The quick start, as a test: the five services as processes, the built CLI, the local Kubernetes control plane.
 * `skyport launch -c NAME examples/hello.yaml` plans, creates the pod, runs setup and the job, streams its output;
 * `kubectl get pods -l skyport.dev/cluster=NAME` shows it; `skyport down` leaves nothing behind.
 */
describe('launch examples/hello.yaml end to end', () => {
  let stack: E2eStack;
  const cluster = `e2e-hello-${randomBytes(2).toString('hex')}`;

  before(async () => {
    stack = await startE2eStack('e2e_launch');
  });
  after(async () => {
    await stack?.stop();
  });

  const podsOf = async (name: string): Promise<Array<{ name: string; phase: string }>> => {
    const core = testProvider(stack.kube).forContext(stack.kube.context).core;
    const list = await core.listPodForAllNamespaces({ labelSelector: `skyport.dev/cluster=${name}` });
    return list.items.map((p) => ({ name: p.metadata?.name ?? '', phase: p.status?.phase ?? '' }));
  };

  it('plans, provisions, runs setup and the job, and streams the output', async () => {
    const result = await skyport(stack, ['launch', '-c', cluster, join(repoRoot(), 'examples', 'hello.yaml'), '-y']);
    const all = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, all);
    assert.match(all, /Considered resources/);
    assert.match(all, /Kubernetes/);
    assert.match(all, /Hello from Skyport/);
    assert.match(all, /step 3/);
  });

  it('shows the cluster with kubectl-visible pods and in `skyport status`', async () => {
    const pods = await podsOf(cluster);
    assert.ok(pods.some((p) => p.name === `${cluster}-head` && p.phase === 'Running'), JSON.stringify(pods));
    const status = await skyport(stack, ['status', '-o', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as unknown;
    const clusters = (Array.isArray(parsed) ? parsed : ((parsed as { items?: unknown[]; clusters?: unknown[] }).items ?? (parsed as { clusters?: unknown[] }).clusters ?? [])) as Array<{ name: string; status: string }>;
    assert.equal(clusters.find((c) => c.name === cluster)?.status, 'UP', status.stdout);
  });

  it('keeps the job output available through `skyport logs`', async () => {
    const logs = await skyport(stack, ['logs', cluster, '1', '--no-follow']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /Hello from Skyport/);
  });

  it('tears everything down with `skyport down`', async () => {
    const down = await skyport(stack, ['down', cluster, '-y']);
    assert.equal(down.code, 0, `${down.stdout}\n${down.stderr}`);
    const deadline = Date.now() + 60_000;
    while ((await podsOf(cluster)).length > 0) {
      assert.ok(Date.now() < deadline, 'pods still exist a minute after down');
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});
