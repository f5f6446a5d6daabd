import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { repoRoot } from '@skyport/dev-stack';
import type { KubeClients } from '@skyport/kube';
import { skyport, startE2eStack, type E2eStack } from '@skyport/e2e/dist/e2e-stack';
import { BUILD_TIMEOUT_MS, ensureTools } from './support/tools';
import { renderChart } from './support/chart';
import { adminClients, createNamespace, deleteNamespace, deleteObjects, serverSideApply, serviceAccountKubeconfig, uniqueName } from './support/cluster';

const RBAC_KINDS = ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];

/**
 * The whole control plane (five services as processes, the built CLI) whose only Kubernetes credential is a
 * token of the Helm chart's ServiceAccount, configured as the chart configures it (task namespace = the release
 * namespace, reaper kept to it): a launch, its logs, an exec and the teardown must all succeed.
 */
describe("the control plane runs tasks with nothing but the chart's ServiceAccount", () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  let admin: KubeClients;
  let ns: string;
  let stack: E2eStack | undefined;
  let home: string;
  let removeKubeconfig: (() => void) | undefined;
  let clusterObjects: KubernetesObject[] = [];
  const cluster = `sa-${randomBytes(2).toString('hex')}`;

  before(async () => {
    admin = adminClients();
    ns = uniqueName('sp-sa-e2e');
    await createNamespace(admin, ns);
    const objects = renderChart({ namespace: ns, valueSets: ['external'] }).filter((o) => RBAC_KINDS.includes(o.kind ?? ''));
    clusterObjects = objects.filter((o) => o.kind?.startsWith('Cluster'));
    assert.deepEqual((await serverSideApply(admin, objects, { dryRun: false })).failures, []);
    const context = `skyport-sa-${ns}`;
    const kubeconfig = await serviceAccountKubeconfig(admin, ns, 'skyport', context);
    removeKubeconfig = kubeconfig.remove;
    home = mkdtempSync(join(tmpdir(), 'skyport-sa-e2e-'));
    const configFile = join(home, 'config.yaml');
    writeFileSync(configFile, `kubernetes:\n  allowed_contexts:\n    - ${context}\n  namespace: ${ns}\n`);
    stack = await startE2eStack('deploy_sa', {
      KUBECONFIG: kubeconfig.path,
      SKYPORT_CONFIG: configFile,
      SKYPORT_ALLOWED_CONTEXTS: context,
      SKYPORT_REAPER_NAMESPACES: ns,
    });
  });

  after(async () => {
    await stack?.stop();
    removeKubeconfig?.();
    if (home) rmSync(home, { recursive: true, force: true });
    if (!admin) return;
    await deleteObjects(admin, clusterObjects);
    if (ns) await deleteNamespace(admin, ns);
  });

  const podsOf = async (): Promise<Array<{ name: string; phase: string }>> => {
    const list = await admin.core.listNamespacedPod({ namespace: ns, labelSelector: `skyport.dev/cluster=${cluster}` });
    return list.items.map((p) => ({ name: p.metadata?.name ?? '', phase: p.status?.phase ?? '' }));
  };

  it('launches examples/hello.yaml into the chart namespace and streams its output', async () => {
    const result = await skyport(stack!, ['launch', '-c', cluster, join(repoRoot(), 'examples', 'hello.yaml'), '-y']);
    const all = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, all);
    assert.match(all, /Hello from Skyport/);
    const pods = await podsOf();
    assert.ok(pods.some((p) => p.name === `${cluster}-head` && p.phase === 'Running'), JSON.stringify(pods));
  });

  it('serves the job logs and runs an exec job on the cluster', async () => {
    const logs = await skyport(stack!, ['logs', cluster, '1', '--no-follow']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /Hello from Skyport/);
    const exec = await skyport(stack!, ['exec', cluster, 'echo exec-as-service-account']);
    assert.equal(exec.code, 0, `${exec.stdout}\n${exec.stderr}`);
    assert.match(exec.stdout, /exec-as-service-account/);
  });

  it('tears the cluster down, and no service was refused by the API server', async () => {
    const down = await skyport(stack!, ['down', cluster, '-y']);
    assert.equal(down.code, 0, `${down.stdout}\n${down.stderr}`);
    const deadline = Date.now() + 60_000;
    while ((await podsOf()).length > 0) {
      assert.ok(Date.now() < deadline, 'pods still exist a minute after down');
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const [name, service] of stack!.services) {
      assert.doesNotMatch(service.output(), /denied permission|forbidden/i, `${name} was refused something:\n${service.output().slice(-3000)}`);
    }
  });
});
