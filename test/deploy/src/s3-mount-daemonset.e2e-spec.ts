import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localRegistry, registryDockerConfig, repoRoot, startKubeCluster } from '@skyport/dev-stack';
import { KubeClientProvider, type KubeClients } from '@skyport/kube';
import { CHART_DIR, parseManifests, valuesFile } from './support/chart';
import { serverSideApply } from './support/cluster';
import { BUILD_TIMEOUT_MS, ensureTools, helm, runAsync } from './support/tools';

const CLUSTER = process.env.SKYPORT_S3_MOUNT_DS_CLUSTER ?? 'deploy-s3m';
const CLUSTER_SH = join(repoRoot(), 'test', 'cluster', 'cluster.sh');
const DRIVER = 's3.csi.skyport.dev';
const NS = 's3m-system';
const TASKS = 's3m-tasks';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The Helm chart's S3 mount driver DaemonSet on a real node (kubelet + containerd): a one-node real cluster whose
 * host runs no driver of its own (SKYPORT_S3_MOUNT_ON_HOST=0), the driver image built with buildah and pushed to
 * the local registry, and only the chart's s3-mount-driver.yaml applied. The pod registers with the kubelet through
 * the plugin socket in the kubelet's directory (Bidirectional propagation) and refuses a pod that is not a task pod.
 * The bucket itself is not mounted here: the driver pod cannot reach moto on the host's loopback (the real-node
 * suites mount buckets with the same binary on the host).
 */
describe('Helm chart: the S3 mount driver DaemonSet on a real node', () => {
  let admin: KubeClients;
  before(async () => {
    await ensureTools(['helm']);
    const previous = process.env.SKYPORT_S3_MOUNT_ON_HOST;
    process.env.SKYPORT_S3_MOUNT_ON_HOST = '0';
    let kube: { kubeconfig: string; context: string };
    try {
      kube = startKubeCluster({ name: CLUSTER, layout: 'real', nodes: 1 });
    } finally {
      if (previous === undefined) delete process.env.SKYPORT_S3_MOUNT_ON_HOST;
      else process.env.SKYPORT_S3_MOUNT_ON_HOST = previous;
    }
    admin = KubeClientProvider.fromSource({ paths: [kube.kubeconfig] }).forContext(kube.context);
    // the kubelet's root directory on this machine (test/cluster/s3-mount.sh: <run-dir>/n0/kr)
    const status = JSON.parse(execFileSync('bash', [CLUSTER_SH, 'status', '--name', CLUSTER, '--json'], { encoding: 'utf8' })) as { stateDir: string }[];
    const stateDir = status[0]?.stateDir;
    assert.ok(stateDir, `cluster.sh status describes ${CLUSTER}`);
    const runDir = /^REAL_RUN_DIR=(.+)$/m.exec(readFileSync(join(stateDir, 'real', 'real.env'), 'utf8'))?.[1];
    assert.ok(runDir, 'real.env names the run directory');

    const registry = localRegistry();
    const built = await runAsync('bash', [join(repoRoot(), 'deploy', 'scripts', 'build-s3-mount-image.sh'), '--registry', registry.host, '--creds', `${registry.user}:${registry.password}`], {
      timeoutMs: BUILD_TIMEOUT_MS,
    });
    assert.equal(built.code, 0, built.stderr);
    const ref = built.stdout.trim().split('\n').pop() ?? '';
    const at = ref.lastIndexOf(':');

    for (const name of [NS, TASKS, 's3m-other']) await admin.core.createNamespace({ body: { metadata: { name } } });
    await admin.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 's3-keys' }, stringData: { 'access-key-id': 'testing', 'secret-access-key': 'testing' } } });
    await admin.core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': registryDockerConfig(registry) } },
    });
    const r = helm([
      'template', 'skyport', CHART_DIR, '--namespace', NS, '-f', valuesFile('external'), '--show-only', 'templates/s3-mount-driver.yaml',
      '--set', 'storage.s3.mountDriver.enabled=true', '--set', 'storage.s3.credentials.existingSecret=s3-keys',
      '--set', 'storage.s3.endpoint=http://127.0.0.1:26450', '--set', `storage.s3.mountDriver.kubeletDir=${runDir}/n0/kr`,
      '--set', `storage.s3.mountDriver.image.repository=${ref.slice(0, at)}`, '--set', `storage.s3.mountDriver.image.tag=${ref.slice(at + 1)}`,
      '--set', 'imagePullSecrets[0].name=pull', '--set', `rbac.taskNamespaces={${TASKS}}`,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const { failures } = await serverSideApply(admin, parseManifests(r.stdout).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.kind === 'CSIDriver' ? undefined : NS } })), { dryRun: false });
    assert.deepEqual(failures, []);
  }, { timeout: BUILD_TIMEOUT_MS });

  after(() => {
    if (process.env.SKYPORT_KEEP_CLUSTER !== '1') execFileSync('bash', [CLUSTER_SH, 'down', '--name', CLUSTER], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
  });

  it('the driver pod registers with the kubelet: the node\'s CSINode lists it (what the provisioner checks)', async () => {
    const drivers = await waitFor('the CSINode to list the driver', async () => {
      const list = await admin.storage.listCSINode();
      const names = list.items.flatMap((n) => (n.spec?.drivers ?? []).map((d) => d.name));
      return names.includes(DRIVER) ? names : undefined;
    }, 150_000);
    assert.ok(drivers.includes(DRIVER));
  });

  it('refuses the volume of a pod outside the task namespaces (FailedMount, PermissionDenied naming the pod)', async () => {
    await admin.core.createNamespacedPod({
      namespace: 's3m-other',
      body: {
        metadata: { name: 'thief' },
        spec: {
          automountServiceAccountToken: false,
          containers: [{ name: 'c', image: localRegistry().defaultImage, command: ['sleep', '600'], volumeMounts: [{ name: 'b', mountPath: '/b' }] }],
          volumes: [{ name: 'b', csi: { driver: DRIVER, volumeAttributes: { bucket: 'some-bucket', prefix: 'x', mode: 'MOUNT' } } }],
        },
      },
    });
    const message = await waitFor('FailedMount of s3m-other/thief', async () => {
      const events = await admin.core.listNamespacedEvent({ namespace: 's3m-other', fieldSelector: 'involvedObject.name=thief' });
      return events.items.find((e) => e.reason === 'FailedMount' && /PermissionDenied/.test(e.message ?? ''))?.message;
    });
    assert.match(message, new RegExp(`pod s3m-other/thief is not in a Skyport task namespace: this driver mounts buckets for Skyport task pods only \\(namespaces ${TASKS}, service account default\\)`));
  });
});
