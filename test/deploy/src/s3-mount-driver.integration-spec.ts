import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHART_DIR, VALUE_SETS, named, ofKind, renderChart, valuesFile, type KubeManifest } from './support/chart';
import { testCluster } from './support/cluster';
import { BUILD_TIMEOUT_MS, ensureTools, helm } from './support/tools';

interface Container {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string; mountPropagation?: string }[];
}
interface DaemonSet extends KubeManifest {
  spec: {
    template: {
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken: boolean;
        tolerations?: unknown[];
        containers: Container[];
        volumes: { name: string; hostPath?: { path: string; type: string }; emptyDir?: unknown }[];
      };
    };
  };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Binding extends KubeManifest {
  subjects?: { kind: string; name: string }[];
}

const NS = 'skyport-system';
const DRIVER = 's3.csi.skyport.dev';
const ON = ['storage.s3.mountDriver.enabled=true', 'storage.s3.credentials.existingSecret=s3-keys', 'storage.s3.endpoint=https://minio.example.com'];
const clusterRules = (objects: KubeManifest[]): Rule[] => (named(objects, 'ClusterRole', `skyport-${NS}`) as unknown as { rules: Rule[] }).rules;
const csiNodeRule = (rules: Rule[]) => rules.find((r) => r.apiGroups.includes('storage.k8s.io') && r.resources.includes('csinodes'));
const template = (args: string[]) => helm(['template', 'skyport', CHART_DIR, '--namespace', NS, '-f', valuesFile('external'), ...args]);

/** NOTES.txt as `helm install` prints it (client-side dry run: nothing is sent to the cluster). */
function notes(set: string[]): string {
  const { kubeconfig } = testCluster();
  const args = ['install', 'skyport', CHART_DIR, '--dry-run=client', '--namespace', NS, '--kubeconfig', kubeconfig, '-f', valuesFile('external')];
  for (const s of set) args.push('--set', s);
  const r = helm(args);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.slice(r.stdout.indexOf('NOTES:'));
}

describe('Helm chart: the S3 mount driver (storage.s3.mountDriver) for MOUNT / MOUNT_CACHED buckets', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });

  it('is off by default in every example value set: no CSIDriver, no DaemonSet, no CSINode permission; NOTES say MOUNT is refused', () => {
    for (const set of VALUE_SETS) {
      const objects = renderChart({ namespace: NS, valueSets: [set] });
      assert.deepEqual(ofKind(objects, 'CSIDriver'), [], set);
      assert.deepEqual(ofKind(objects, 'DaemonSet'), [], set);
      assert.equal(csiNodeRule(clusterRules(objects)), undefined, `${set}: the provisioner may list CSINodes without the driver`);
    }
    assert.match(notes([]), /MOUNT \/ MOUNT_CACHED are refused until the S3 mount driver is installed\n\(storage\.s3\.mountDriver\.enabled=true/);
  });

  it('on: a CSIDriver for ephemeral inline volumes with pod info, and the provisioner may list CSINodes (nothing more)', () => {
    const objects = renderChart({ namespace: NS, valueSets: ['external'], set: ON });
    const driver = named(objects, 'CSIDriver', DRIVER) as unknown as { spec: Record<string, unknown> };
    assert.deepEqual(driver.spec, { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Ephemeral'], fsGroupPolicy: 'None' });
    assert.deepEqual(csiNodeRule(clusterRules(objects)), { apiGroups: ['storage.k8s.io'], resources: ['csinodes'], verbs: ['list'] });
  });

  it('on: the DaemonSet is privileged only for FUSE, propagates only the kubelet dir, gets the operator Secret keys and serves only task pods', () => {
    const objects = renderChart({ namespace: NS, valueSets: ['external'], set: [...ON, 'rbac.taskNamespaces={team-a,team-b}', 'storage.s3.mountDriver.kubeletDir=/data/kubelet'] });
    const ds = named(objects, 'DaemonSet', 'skyport-s3-mount') as DaemonSet;
    const pod = ds.spec.template.spec;
    const c = pod.containers[0]!;
    assert.equal(pod.containers.length, 1);
    assert.deepEqual(c.securityContext, { privileged: true, runAsUser: 0, readOnlyRootFilesystem: true });
    assert.deepEqual(
      c.volumeMounts.filter((m) => m.mountPropagation).map((m) => [m.mountPath, m.mountPropagation]),
      [['/data/kubelet', 'Bidirectional']],
    );
    assert.deepEqual(pod.volumes.filter((v) => v.hostPath).map((v) => v.hostPath), [{ path: '/data/kubelet', type: 'Directory' }], 'no hostPath but the kubelet dir');
    assert.deepEqual(c.args, [
      '--registry-dir=/data/kubelet/plugins_registry',
      `--csi-socket=/data/kubelet/plugins/${DRIVER}/csi.sock`,
      '--node=$(NODE_NAME)',
      '--state-dir=/var/lib/skyport-s3-mount',
      '--task-namespaces=team-a,team-b',
      '--task-service-account=default',
      '--endpoint-any',
    ]);
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));
    assert.deepEqual(env.AWS_ACCESS_KEY_ID, { secretKeyRef: { name: 's3-keys', key: 'access-key-id' } });
    assert.deepEqual(env.AWS_SECRET_ACCESS_KEY, { secretKeyRef: { name: 's3-keys', key: 'secret-access-key' } });
    assert.equal(env.SKYPORT_S3_MOUNT_ENDPOINT, 'https://minio.example.com');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.deepEqual(pod.tolerations, [{ operator: 'Exists' }], 'every node that may run tasks needs the driver');

    // its own ServiceAccount without a token, bound to nothing
    assert.equal(pod.serviceAccountName, 'skyport-s3-mount');
    assert.equal(pod.automountServiceAccountToken, false);
    const sa = named(objects, 'ServiceAccount', 'skyport-s3-mount') as unknown as { automountServiceAccountToken: boolean };
    assert.equal(sa.automountServiceAccountToken, false);
    const bound = [...ofKind(objects, 'RoleBinding'), ...ofKind(objects, 'ClusterRoleBinding')].filter((b) => (b as Binding).subjects?.some((s) => s.name === 'skyport-s3-mount'));
    assert.deepEqual(bound, [], 'the driver needs no Kubernetes permission');
  });

  it('on: the task namespaces default to the release namespace, an explicit list and service account win', () => {
    const args = (set: string[]) => (named(renderChart({ namespace: NS, valueSets: ['external'], set: [...ON, ...set] }), 'DaemonSet', 'skyport-s3-mount') as DaemonSet).spec.template.spec.containers[0]!.args;
    assert.ok(args([]).includes(`--task-namespaces=${NS}`));
    const own = args(['storage.s3.mountDriver.taskNamespaces={ml-jobs}', 'storage.s3.mountDriver.taskServiceAccount=skyport-task']);
    assert.ok(own.includes('--task-namespaces=ml-jobs') && own.includes('--task-service-account=skyport-task'), own.join(' '));
  });

  it('on without the S3 keys Secret: the render fails, saying what to set', () => {
    const r = template(['--set', 'storage.s3.mountDriver.enabled=true']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /storage\.s3\.mountDriver\.enabled needs storage\.s3\.credentials\.existingSecret/);
  });

  it('NOTES name the DaemonSet, the Secret, which pods it serves and how to check the nodes registered it', () => {
    const text = notes(ON);
    assert.match(text, /runs on every node as DaemonSet\nskyport-s3-mount .* with the keys of Secret s3-keys,\nfor pods in skyport-system running as service account default only/);
    assert.match(text, /kubectl get csinodes/);
  });

  it('the schema refuses a misspelt or mistyped mountDriver value', () => {
    for (const [set, want] of [
      ['storage.s3.mountDriver.enable=true', /at '\/storage\/s3\/mountDriver': additional properties 'enable' not allowed/],
      ['storage.s3.mountDriver.enabled=yes', /at '\/storage\/s3\/mountDriver\/enabled': got string, want boolean/],
      ['storage.s3.mountDriver.taskNamespaces=team-a', /at '\/storage\/s3\/mountDriver\/taskNamespaces': got string, want array/],
      ['storage.s3.mountDriver.kubeletDir=var/lib/kubelet', /at '\/storage\/s3\/mountDriver\/kubeletDir'/],
    ] as const) {
      const r = template(['--set', set]);
      assert.notEqual(r.status, 0, `rendered despite ${set}`);
      assert.match(r.stderr, want);
    }
  });
});
