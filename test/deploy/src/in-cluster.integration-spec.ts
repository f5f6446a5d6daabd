import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ErrorCode } from '@skyport/contracts';
import type { KubeClients } from '@skyport/kube';
import { renderChart } from './support/chart';
import { adminClients, createNamespace, deleteNamespace, deleteObjects, serverSideApply, uniqueName } from './support/cluster';
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

  it('loads the in-cluster config (namespace from the pod) and is held to the Role', () => {
    const server = new URL(admin.kc.getCurrentCluster()!.server);
    const probe = join(__dirname, 'support', 'in-cluster-probe.js');
    const script = [
      'set -e',
      'mount -t tmpfs tmpfs /run',
      `mkdir -p ${SA_DIR}`,
      `cp "$SA_FILES"/token "$SA_FILES"/ca.crt "$SA_FILES"/namespace ${SA_DIR}/`,
      `exec "$NODE" "$PROBE" "$OTHER_NS"`,
    ].join('\n');
    const home = mkdtempSync(join(tmpdir(), 'skyport-empty-home-'));
    try {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: home, // no ~/.kube/config
        KUBERNETES_SERVICE_HOST: server.hostname,
        KUBERNETES_SERVICE_PORT: server.port,
        SA_FILES: dir,
        NODE: process.execPath,
        PROBE: probe,
        OTHER_NS: other,
      };
      const r = run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { env, timeoutMs: 60_000 });
      assert.equal(r.status, 0, `probe failed: ${r.stdout}${r.stderr}`);
      const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      assert.equal(result.inCluster, true, JSON.stringify(result));
      assert.deepEqual(result.files, []);
      assert.equal(result.namespace, ns, 'the context namespace is the pod namespace');
      assert.equal(result.listPods, 'ok');
      assert.equal(result.listNodes, 'ok');
      assert.equal(result.listOtherSecrets, ErrorCode.KubernetesForbidden);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
