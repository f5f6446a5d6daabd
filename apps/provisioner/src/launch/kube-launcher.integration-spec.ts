import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { execCommand, listClusterObjects, type KubeClientProvider, type KubeClients } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import type { ClusterSpec } from '../pods/cluster-objects.builder';
import { teardownCluster } from '../teardown/cluster-teardown';
import { LaunchFailedError, launchCluster } from './kube-launcher';

const target = testKubeTarget();

function clusterScript(): string {
  let dir = resolve(__dirname);
  while (!existsSync(join(dir, 'test', 'cluster', 'cluster.sh'))) dir = resolve(dir, '..');
  return join(dir, 'test', 'cluster', 'cluster.sh');
}

describe('launching pods on the local control plane', { skip: target ? false : 'no local cluster (run through npm test)' }, () => {
  let provider: KubeClientProvider;
  let clients: KubeClients;
  let ns: { name: string; drop: () => Promise<void> };
  const spec = (name: string, extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
    clusterName: name,
    namespace: ns.name,
    numNodes: 1,
    user: 'it',
    cpus: 1,
    memoryGb: 1,
    labels: {},
    podConfigLayers: [],
    imagePullSecrets: [],
    ports: [],
    portsMode: 'loadbalancer',
    ...extra,
  });

  before(async () => {
    provider = testProvider(target!);
    clients = provider.forContext(target!.context);
    ns = await createTestNamespace(clients, 'prov-launch');
  });
  after(async () => ns?.drop());

  test('single-node CPU launch: pod running with our labels, exec works, teardown leaves zero objects', async () => {
    const t0 = Date.now();
    const nodes = await launchCluster({ clients, spec: spec('c1', { labels: { team: 'ml' } }), secrets: { API_KEY: 's3cret' }, timeoutSeconds: 30, ask: { cpus: 1 } });
    const launchMs = Date.now() - t0;
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0]?.pod, 'c1-head');
    const pod = await clients.core.readNamespacedPod({ name: 'c1-head', namespace: ns.name });
    assert.equal(pod.metadata?.labels?.['skyport.dev/cluster'], 'c1');
    assert.equal(pod.metadata?.labels?.team, 'ml');
    assert.equal(pod.status?.phase, 'Running');
    // The secret reaches the pod through envFrom, never as a literal in the spec.
    assert.deepEqual(plain(pod.spec?.containers[0]?.envFrom), [{ secretRef: { name: 'c1-secrets' } }]);
    assert.ok(!JSON.stringify(pod.spec).includes('s3cret'));
    const left = await listClusterObjects(clients, ns.name, 'c1');
    // A single node has no headless Service: nothing resolves a peer through it.
    assert.deepEqual(left.service, []);
    assert.deepEqual(left.secret, ['c1-secrets']);
    await waitForExec(clients, ns.name, 'c1-head');
    // A config map with the cluster's labels is one of its objects too (the reaper always removed them): teardown
    // deletes it one by one (the chart's Role has no deletecollection on config maps).
    const labels = { 'skyport.dev/cluster': 'c1', 'app.kubernetes.io/managed-by': 'skyport' };
    await clients.core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'c1-extra', labels }, data: { a: 'b' } } });
    assert.deepEqual((await listClusterObjects(clients, ns.name, 'c1')).configmap, ['c1-extra']);
    const t1 = Date.now();
    await teardownCluster(clients, ns.name, 'c1');
    const teardownMs = Date.now() - t1;
    assert.deepEqual(await listClusterObjects(clients, ns.name, 'c1'), { pod: [], service: [], ingress: [], secret: [], persistentvolumeclaim: [], configmap: [] });
    // Idempotent: a second teardown of nothing succeeds at once.
    await teardownCluster(clients, ns.name, 'c1');
    console.log(`# single-node launch ${launchMs} ms, teardown ${teardownMs} ms`);
  });

  test('relaunching the same name with another shape is refused with the difference, and the running cluster is kept', async () => {
    await launchCluster({ clients, spec: spec('re'), secrets: {}, timeoutSeconds: 30, ask: {} });
    // The same shape again adopts the running pods.
    const again = await launchCluster({ clients, spec: spec('re'), secrets: {}, timeoutSeconds: 30, ask: {} });
    assert.deepEqual(again.map((n) => n.pod), ['re-head']);
    await assert.rejects(
      launchCluster({ clients, spec: spec('re', { cpus: 2 }), secrets: {}, timeoutSeconds: 30, ask: {} }),
      (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.Conflict && /cpu 1 → 2/.test(e.userMessage) && /skyport down re/.test(e.userMessage),
    );
    const pod = await clients.core.readNamespacedPod({ name: 're-head', namespace: ns.name });
    assert.equal(pod.status?.phase, 'Running');
    assert.equal(pod.metadata?.deletionTimestamp, undefined);
    await teardownCluster(clients, ns.name, 're');
  });

  test('multi-node: head + workers running, all or nothing', async () => {
    const nodes = await launchCluster({ clients, spec: spec('mn', { numNodes: 3 }), secrets: {}, timeoutSeconds: 30, ask: {} });
    assert.deepEqual(nodes.map((n) => n.pod), ['mn-head', 'mn-worker-1', 'mn-worker-2']);
    assert.ok(nodes.every((n) => n.ip.length > 0));
    // Peers resolve each other through the cluster's headless Service.
    assert.deepEqual((await listClusterObjects(clients, ns.name, 'mn')).service, ['mn']);
    await teardownCluster(clients, ns.name, 'mn');
  });

  test('custom image and pull secret are in the pod spec; pod_config volumeMounts with subPath stay two mounts', async () => {
    await launchCluster({
      clients,
      spec: spec('img', {
        image: 'registry.example.com/team/train:1.2',
        imagePullSecrets: ['regcred'],
        podConfigLayers: [
          {
            spec: {
              containers: [
                {
                  env: [{ name: 'HF_HOME', value: '/cache' }],
                  volumeMounts: [
                    { name: 'data', mountPath: '/data/models', subPath: 'models' },
                    { name: 'data', mountPath: '/data/cache', subPath: 'cache' },
                  ],
                },
              ],
              volumes: [{ name: 'data', emptyDir: {} }],
            },
          },
        ],
      }),
      secrets: {},
      timeoutSeconds: 30,
      ask: {},
    });
    const pod = await clients.core.readNamespacedPod({ name: 'img-head', namespace: ns.name });
    assert.equal(pod.spec?.containers[0]?.image, 'registry.example.com/team/train:1.2');
    assert.deepEqual(plain(pod.spec?.imagePullSecrets), [{ name: 'regcred' }]);
    assert.deepEqual(
      pod.spec?.containers[0]?.volumeMounts?.map((m) => `${m.name}:${m.mountPath}:${m.subPath ?? ''}`),
      ['dshm:/dev/shm:', 'data:/data/models:models', 'data:/data/cache:cache'],
    );
    assert.ok(pod.spec?.containers[0]?.env?.some((e) => e.name === 'HF_HOME' && e.value === '/cache'));
    await teardownCluster(clients, ns.name, 'img');
  });

  test('unschedulable: a clear reason within the timeout, and nothing left behind', async () => {
    const t0 = Date.now();
    await assert.rejects(
      launchCluster({ clients, spec: spec('big', { cpus: 512 }), secrets: {}, timeoutSeconds: 5, ask: { cpus: 512 } }),
      (e: unknown) => {
        assert.ok(e instanceof LaunchFailedError, String(e));
        assert.equal(e.code, ErrorCode.Unschedulable);
        assert.match(e.userMessage, /too little free CPU for 512 CPUs/);
        assert.match(e.userMessage, /kubectl --context \S+ -n \S+ describe pod big-head/);
        return true;
      },
    );
    const ms = Date.now() - t0;
    assert.ok(ms < 5_000 + 8_000, `took ${ms} ms`);
    assert.deepEqual((await listClusterObjects(clients, ns.name, 'big')).pod, []);
    console.log(`# unschedulable diagnosed and rolled back in ${ms} ms (timeout 5 s)`);
  });

  test('a definite FailedScheduling (no node matches the selector) fails at once, long before the timeout', async () => {
    const noSuchNode = { podConfigLayers: [{ spec: { nodeSelector: { 'skyport.dev/no-such-node': 'true' } } }] };
    const t0 = Date.now();
    await assert.rejects(launchCluster({ clients, spec: spec('nomatch', noSuchNode), secrets: {}, timeoutSeconds: 60, ask: {} }), (e: unknown) => {
      assert.ok(e instanceof LaunchFailedError, String(e));
      assert.equal(e.code, ErrorCode.Unschedulable);
      assert.match(e.userMessage, /do not match the pod's node selector/);
      return true;
    });
    const ms = Date.now() - t0;
    assert.ok(ms < 8_000, `took ${ms} ms (timeout 60 s)`);
    assert.deepEqual((await listClusterObjects(clients, ns.name, 'nomatch')).pod, []);
    console.log(`# definite FailedScheduling failed the launch after ${ms} ms (timeout 60 s)`);
  });

  test('with an autoscaler configured the same refusal is waited out until the timeout', async () => {
    const noSuchNode = { podConfigLayers: [{ spec: { nodeSelector: { 'skyport.dev/no-such-node': 'true' } } }] };
    const t0 = Date.now();
    await assert.rejects(
      launchCluster({ clients, spec: spec('scaler', noSuchNode), secrets: {}, timeoutSeconds: 4, mayScaleUp: true, ask: {} }),
      (e: unknown) => e instanceof LaunchFailedError && e.code === ErrorCode.Unschedulable,
    );
    assert.ok(Date.now() - t0 >= 4_000, `gave up after ${Date.now() - t0} ms, before the 4 s timeout`);
  });

  test('a transient reason (an unbound volume claim) is waited for, and the pod runs once the claim binds', async () => {
    const core = clients.core;
    // Bound ahead to a volume that does not exist yet: unbound until the test creates it.
    const pv = `${ns.name}-late-pv`;
    const claim = { metadata: { name: 'late-claim' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeName: pv, resources: { requests: { storage: '1Gi' } } } };
    await core.createNamespacedPersistentVolumeClaim({ namespace: ns.name, body: claim });
    const withClaim = {
      podConfigLayers: [
        { spec: { containers: [{ volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'late-claim' } }] } },
      ],
    };
    const t0 = Date.now();
    const launching = launchCluster({ clients, spec: spec('pvc', withClaim), secrets: {}, timeoutSeconds: 60, ask: {} });
    // The scheduler says the claim is unbound; the launch keeps waiting instead of failing over.
    await waitForSchedulingEvent(clients, ns.name, 'pvc-head', /unbound/);
    await new Promise((r) => setTimeout(r, 2_500));
    await core.createPersistentVolume({
      body: {
        metadata: { name: pv },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: '/tmp' }, claimRef: { namespace: ns.name, name: 'late-claim' } },
      },
    });
    try {
      const nodes = await launching;
      assert.equal(nodes[0]?.pod, 'pvc-head');
      console.log(`# a launch waiting on an unbound claim ran after ${Date.now() - t0} ms once the claim bound`);
    } finally {
      await teardownCluster(clients, ns.name, 'pvc');
      await core.deleteNamespacedPersistentVolumeClaim({ name: 'late-claim', namespace: ns.name }).catch(() => undefined);
      await core.deletePersistentVolume({ name: pv }).catch(() => undefined);
    }
  });

  test("a task's volume that is not a claim in the namespace fails at once with where it was looked for, leaving nothing", async () => {
    const t0 = Date.now();
    await assert.rejects(launchCluster({ clients, spec: spec('novol', { volumes: { '/data': 'not-here' } }), secrets: { A: 'b' }, timeoutSeconds: 60, ask: {} }), (err: unknown) => {
      assert.ok(err instanceof SkyportError, String(err));
      assert.equal(err.code, ErrorCode.NotFound);
      assert.equal(err.userMessage, `volume 'not-here' is not in namespace '${ns.name}' of context '${clients.context.name}' (no PersistentVolumeClaim of that name there); a cluster mounts volumes of its own namespace — skyport volumes ls shows where yours are`);
      return true;
    });
    assert.ok(Date.now() - t0 < 15_000);
    assert.deepEqual(await listClusterObjects(clients, ns.name, 'novol'), { pod: [], service: [], ingress: [], secret: [], persistentvolumeclaim: [], configmap: [] });
  });

  test('ErrImagePull fails fast with the reason, long before the timeout', async () => {
    // The pod is frozen for KWOK (it never turns Running); the cluster script then reports an image pull error.
    const launching = launchCluster({
      clients,
      spec: spec('pull', { podConfigLayers: [{ metadata: { annotations: { 'skyport.dev/kwok-frozen': 'true' } } }] }),
      secrets: {},
      timeoutSeconds: 120,
      ask: {},
    });
    const t0 = Date.now();
    await waitForPod(clients, ns.name, 'pull-head');
    execFileSync('bash', [clusterScript(), 'image-pull-error', `${ns.name}/pull-head`, '--name', target!.context.replace(/^skyport-/, '')]);
    const tInjected = Date.now();
    await assert.rejects(launching, (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.ImagePullFailed && /ErrImagePull/.test(e.userMessage));
    const ms = Date.now() - tInjected;
    assert.ok(Date.now() - t0 < 60_000);
    assert.deepEqual((await listClusterObjects(clients, ns.name, 'pull')).pod, []);
    console.log(`# ErrImagePull reported ${ms} ms after the pod showed it (timeout 120 s)`);
  });
});

/** client-node returns class instances; compare their JSON. */
function plain<T>(v: T): unknown {
  return JSON.parse(JSON.stringify(v ?? null));
}

async function waitForPod(clients: KubeClients, namespace: string, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const p = await clients.core.readNamespacedPod({ name, namespace }).catch(() => undefined);
    if (p?.spec?.nodeName) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`pod ${name} was never scheduled`);
}

async function waitForSchedulingEvent(clients: KubeClients, namespace: string, pod: string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const list = await clients.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${pod}` });
    if (list.items.some((e) => e.reason === 'FailedScheduling' && pattern.test(e.message ?? ''))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no FailedScheduling matching ${pattern} for ${pod}`);
}

async function waitForExec(clients: KubeClients, namespace: string, pod: string): Promise<void> {
  const t = { clients, namespace, pod, container: 'skyport' };
  for (let i = 0; ; i++) {
    const ok = await execCommand(t, ['true'], { timeoutMs: 5_000 }).then((r) => r.exitCode === 0, () => false);
    if (ok) return;
    if (i > 60) throw new Error(`exec into ${pod} never worked`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
