import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ErrorCode } from '@skyport/contracts';
import type { KubeClients } from '@skyport/kube';
import { renderChart } from './support/chart';
import { adminClients, createNamespace, deleteNamespace, deleteObjects, serverSideApply, serviceAccountKubeconfig, uniqueName } from './support/cluster';
import { BUILD_TIMEOUT_MS, ensureTools, run } from './support/tools';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
// A private mount namespace (nothing is visible outside it) gets an empty /run with the ServiceAccount files.
const canFakePod = process.getuid?.() === 0 && run('sh', ['-c', 'command -v unshare']).status === 0;

describe('in-cluster operation: a pod-like process finds the chart ServiceAccount without any kubeconfig', { skip: canFakePod ? false : 'needs root and unshare(1) for a private mount namespace' }, () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  let admin: KubeClients;
  let ns: string;
  let other: string;
  let dir: string;
  let clusterObjects: KubernetesObject[] = [];

  before(async () => {
    admin = adminClients();
    ns = uniqueName('sp-incluster');
    other = uniqueName('sp-incluster-other');
    await createNamespace(admin, ns);
    await createNamespace(admin, other);
    const objects = renderChart({ namespace: ns, valueSets: ['external'] }).filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind ?? ''));
    clusterObjects = objects.filter((o) => o.kind?.startsWith('Cluster'));
    assert.deepEqual((await serverSideApply(admin, objects, { dryRun: false })).failures, []);

    // What the kubelet mounts into a pod: a bound token, the cluster CA, the namespace.
    const token = await admin.core.createNamespacedServiceAccountToken({ name: 'skyport', namespace: ns, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    const cluster = admin.kc.getCurrentCluster();
    assert.ok(cluster?.caData, 'the test kubeconfig embeds its CA');
    dir = mkdtempSync(join(tmpdir(), 'skyport-sa-files-'));
    writeFileSync(join(dir, 'token'), token.status?.token ?? '', { mode: 0o600 });
    writeFileSync(join(dir, 'ca.crt'), Buffer.from(cluster.caData, 'base64'));
    writeFileSync(join(dir, 'namespace'), ns);
  });

  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!admin) return;
    await deleteObjects(admin, clusterObjects);
    for (const n of [ns, other]) if (n) await deleteNamespace(admin, n);
  });

  /** Runs the probe as a pod would (private mount namespace, no ~/.kube/config); `env` adds e.g. KUBECONFIG. */
  function probe(env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
    const server = new URL(admin.kc.getCurrentCluster()!.server);
    const script = [
      'set -e',
      'mount -t tmpfs tmpfs /run',
      `mkdir -p ${SA_DIR}`,
      `cp "$SA_FILES"/token "$SA_FILES"/ca.crt "$SA_FILES"/namespace ${SA_DIR}/`,
      `exec "$NODE" "$PROBE" "$OTHER_NS"`,
    ].join('\n');
    const home = mkdtempSync(join(tmpdir(), 'skyport-empty-home-'));
    try {
      const r = run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
        env: {
          PATH: process.env.PATH,
          HOME: home, // no ~/.kube/config
          KUBERNETES_SERVICE_HOST: server.hostname,
          KUBERNETES_SERVICE_PORT: server.port,
          SA_FILES: dir,
          NODE: process.execPath,
          PROBE: join(__dirname, 'support', 'in-cluster-probe.js'),
          OTHER_NS: other,
          ...env,
        },
        timeoutMs: 60_000,
      });
      assert.equal(r.status, 0, `probe failed: ${r.stdout}${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }

  it('loads the in-cluster config (namespace from the pod) and is held to the Role', () => {
    const result = probe();
    assert.equal(result.inCluster, true, JSON.stringify(result));
    assert.deepEqual(result.files, []);
    assert.equal(result.namespace, ns, 'the context namespace is the pod namespace');
    assert.equal(result.listPods, 'ok');
    assert.equal(result.listNodes, 'ok');
    assert.equal(result.listOtherSecrets, ErrorCode.KubernetesForbidden);
  });

  it('with a kubeconfig mounted (other contexts), the pod keeps its own cluster as inClusterContext; a missing exec plugin is named', async () => {
    // What kubeconfig.existingSecret mounts: a context for "another cluster" (here the same API server, with a
    // token of the chart's ServiceAccount) and one whose user needs a cloud CLI the image does not have.
    const remote = await serviceAccountKubeconfig(admin, ns, 'skyport', 'remote');
    try {
      const config = JSON.parse(readFileSync(remote.path, 'utf8')) as { users: unknown[]; contexts: unknown[] };
      config.users.push({ name: 'eks-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'skyport-test-absent-aws', args: ['eks', 'get-token'] } } });
      config.contexts.push({ name: 'eks', context: { cluster: 'local', user: 'eks-user', namespace: ns } });
      writeFileSync(remote.path, JSON.stringify(config));
      const result = probe({ KUBECONFIG: remote.path });
      assert.equal(result.inCluster, true, JSON.stringify(result));
      assert.deepEqual(result.files, [remote.path]);
      assert.equal(result.current, 'remote', "the kubeconfig's current context stays current");
      assert.deepEqual(result.perContext, { remote: 'ok', eks: ErrorCode.KubernetesUnavailable, inClusterContext: 'ok' }, JSON.stringify(result));
      assert.deepEqual(result.missingPlugins, ['eks']);
    } finally {
      remote.remove();
    }
  });
});
