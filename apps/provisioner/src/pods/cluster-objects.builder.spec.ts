import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SkyportError } from '@skyport/contracts';
import { DEFAULT_IMAGE, buildClusterObjects, buildPod, type ClusterSpec } from './cluster-objects.builder';

const spec: ClusterSpec = {
  clusterName: 'c1',
  namespace: 'team-a',
  numNodes: 1,
  user: 'alice@example.com',
  cpus: 2,
  memoryGb: 4,
  labels: { team: 'ml' },
  podConfigLayers: [],
  imagePullSecrets: [],
  ports: [],
  portsMode: 'loadbalancer',
};

test('a CPU pod: labels, requests, restartPolicy, no GPU devices, default image', () => {
  const pod = buildPod(spec, 0);
  assert.equal(pod.metadata?.name, 'c1-head');
  assert.deepEqual(pod.metadata?.labels, {
    team: 'ml',
    'skyport.dev/cluster': 'c1',
    'skyport.dev/user': 'alice_example.com',
    'app.kubernetes.io/managed-by': 'skyport',
    'skyport.dev/node-rank': '0',
  });
  assert.equal(pod.spec?.restartPolicy, 'Never');
  const c = pod.spec!.containers[0]!;
  assert.equal(c.image, DEFAULT_IMAGE);
  assert.deepEqual(c.resources, { requests: { cpu: '2', memory: '4Gi' } });
  assert.ok(c.env?.some((e) => e.name === 'NVIDIA_VISIBLE_DEVICES' && e.value === 'none'));
  assert.equal(pod.spec?.affinity, undefined);
});

test('a GPU pod: limits = requests, required affinity on the vendor label, toleration', () => {
  const pod = buildPod({ ...spec, gpu: { resourceKey: 'amd.com/gpu', count: 2, nodeLabels: [{ key: 'skypilot.co/accelerator', values: ['mi300x'] }] } }, 0);
  const c = pod.spec!.containers[0]!;
  assert.deepEqual(c.resources?.limits, { 'amd.com/gpu': '2' });
  assert.equal(c.resources?.requests?.['amd.com/gpu'], '2');
  assert.ok(!c.env?.some((e) => e.name === 'NVIDIA_VISIBLE_DEVICES'));
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  assert.deepEqual(terms, [{ matchExpressions: [{ key: 'skypilot.co/accelerator', operator: 'In', values: ['mi300x'] }] }]);
  assert.deepEqual(pod.spec?.tolerations, [{ key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('multi-node: worker names, soft anti-affinity, headless service', () => {
  const objs = buildClusterObjects({ ...spec, numNodes: 3 });
  assert.deepEqual(objs.pods.map((p) => p.metadata?.name), ['c1-head', 'c1-worker-1', 'c1-worker-2']);
  assert.equal(objs.pods[2]?.metadata?.labels?.['skyport.dev/node-rank'], '2');
  assert.equal(objs.pods[1]?.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.weight, 100);
  assert.equal(objs.headlessService?.spec?.clusterIP, 'None');
  assert.equal(objs.pods[1]?.spec?.subdomain, 'c1');
});

test('a single-node cluster has no headless Service: one apiserver request less per launch, nothing resolves through it', () => {
  assert.equal(buildClusterObjects({ ...spec, numNodes: 1 }).headlessService, undefined);
});

test("a job group's task: SkyPilot's host names <task>-<rank>.<group>, the group label; the cluster's Service unchanged", () => {
  const objs = buildClusterObjects({ ...spec, numNodes: 2, jobGroup: { name: 'rl', task: 'trainer', managedJobId: 7 } });
  assert.deepEqual(objs.pods.map((p) => [p.metadata?.name, p.spec?.hostname, p.spec?.subdomain, p.metadata?.labels?.['skyport.dev/job-group']]), [
    ['c1-head', 'trainer-0', 'rl', '7'],
    ['c1-worker-1', 'trainer-1', 'rl', '7'],
  ]);
  assert.equal(objs.headlessService?.metadata?.labels?.['skyport.dev/job-group'], undefined);
});

test('custom image and pull secrets', () => {
  const pod = buildPod({ ...spec, image: 'registry.example.com/team/train:1.2', imagePullSecrets: ['regcred'] }, 0);
  assert.equal(pod.spec?.containers[0]?.image, 'registry.example.com/team/train:1.2');
  assert.deepEqual(pod.spec?.imagePullSecrets, [{ name: 'regcred' }]);
});

test('pod_config layers merge in, but cannot drop the cluster labels or rename the pod', () => {
  const pod = buildPod(
    {
      ...spec,
      podConfigLayers: [
        { metadata: { name: 'evil', labels: { extra: 'x', 'skyport.dev/cluster': 'other' } } },
        { spec: { containers: [{ env: [{ name: 'HF_HOME', value: '/cache' }] }] } },
      ],
    },
    0,
  );
  assert.equal(pod.metadata?.name, 'c1-head');
  assert.equal(pod.metadata?.labels?.extra, 'x');
  assert.equal(pod.metadata?.labels?.['skyport.dev/cluster'], 'c1');
  assert.ok(pod.spec?.containers[0]?.env?.some((e) => e.name === 'HF_HOME'));
});

test('a pod_config mount of an undeclared volume is refused with its path', () => {
  assert.throws(
    () => buildPod({ ...spec, podConfigLayers: [{ spec: { containers: [{ volumeMounts: [{ name: 'nope', mountPath: '/x' }] }] } }] }, 0),
    (e: unknown) => e instanceof SkyportError && /spec\.containers\[0\]\.volumeMounts\[1\]\.name: no volume named 'nope'/.test(e.userMessage),
  );
});

test('invalid task labels are refused', () => {
  assert.throws(() => buildPod({ ...spec, labels: { 'bad key!': 'v' } }, 0), /label key 'bad key!'/);
});

test('port modes: one LoadBalancer, or a ClusterIP per port plus an nginx Ingress', () => {
  const lb = buildClusterObjects({ ...spec, ports: [8888, 9000] });
  assert.equal(lb.portServices.length, 1);
  assert.equal(lb.portServices[0]?.spec?.type, 'LoadBalancer');
  assert.equal(lb.ingress, undefined);
  const ing = buildClusterObjects({ ...spec, ports: [8888, 9000], portsMode: 'ingress' });
  assert.deepEqual(ing.portServices.map((s) => s.metadata?.name), ['c1-port-8888', 'c1-port-9000']);
  assert.equal(ing.ingress?.spec?.ingressClassName, 'nginx');
  assert.match(ing.ingress?.spec?.rules?.[0]?.http?.paths[0]?.path ?? '', /^\/skyport\/team-a\/c1\/8888/);
  const pod = buildClusterObjects({ ...spec, ports: [8888], portsMode: 'podip' });
  assert.equal(pod.portServices.length, 0);
});

test('task volumes mount existing claims; one claim at two paths is one volume', () => {
  const pod = buildPod({ ...spec, volumes: { '/data': 'shared', '/ckpt': 'ckpts', '/data2': 'shared' } }, 0);
  const mounts = pod.spec!.containers[0]!.volumeMounts!.map((m) => `${m.name}:${m.mountPath}`);
  assert.deepEqual(mounts, ['dshm:/dev/shm', 'vol-0:/ckpt', 'vol-1:/data', 'vol-1:/data2']);
  assert.deepEqual(
    pod.spec!.volumes!.slice(1).map((v) => `${v.name}:${v.persistentVolumeClaim?.claimName}`),
    ['vol-0:ckpts', 'vol-1:shared'],
  );
});

test('MOUNT buckets: an inline volume of the S3 mount driver per mount, the container unprivileged, read-only where asked', () => {
  const pod = buildPod(
    {
      ...spec,
      bucketVolumes: [
        { mountPath: '/data', bucket: 'b1', prefix: 'x/y', mode: 'MOUNT', readOnly: false },
        { mountPath: '/ref', bucket: 'shared', prefix: '', mode: 'MOUNT_CACHED', readOnly: true },
      ],
    },
    0,
  );
  const vols = pod.spec!.volumes!.filter((v) => v.csi);
  assert.deepEqual(vols, [
    { name: 'bucket-0', csi: { driver: 's3.csi.skyport.dev', readOnly: false, volumeAttributes: { bucket: 'b1', prefix: 'x/y', mode: 'MOUNT' } } },
    { name: 'bucket-1', csi: { driver: 's3.csi.skyport.dev', readOnly: true, volumeAttributes: { bucket: 'shared', prefix: '', mode: 'MOUNT_CACHED', readOnly: 'true' } } },
  ]);
  const c = pod.spec!.containers[0]!;
  assert.deepEqual(c.volumeMounts?.filter((m) => m.name.startsWith('bucket-')), [
    { name: 'bucket-0', mountPath: '/data' },
    { name: 'bucket-1', mountPath: '/ref', readOnly: true },
  ]);
  assert.equal(c.securityContext?.privileged, undefined);
  assert.ok(!pod.spec!.volumes!.some((v) => v.hostPath));
});
