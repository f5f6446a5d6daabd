// Proves the local control plane from test/cluster is a real Kubernetes: real API server validation and
// scheduling, KWOK nodes with the layout's capacity, and exec / logs / port-forward reaching local
// processes and files. Starts its own cluster (layout gpu) so it never shares objects with other suites.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { clusterDown, clusterStatus, clusterUp, failPod, imagePullError, podDir, type ClusterStatus } from './cluster-cli';

// One cluster per run: several people (and `npm test`) may run this suite at once in the same checkout.
const CLUSTER = process.env.SKYPORT_CLUSTER_SPEC_NAME ?? `cspec-${process.pid}`;
const NS = 'cluster-spec';
const GPU = 'nvidia.com/gpu';
const gpuToleration: k8s.V1Toleration = { key: GPU, operator: 'Exists', effect: 'NoSchedule' };

let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let status: ClusterStatus;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function podManifest(name: string, spec: Partial<k8s.V1PodSpec> = {}, annotations?: Record<string, string>): k8s.V1Pod {
  return {
    metadata: { name, namespace: NS, annotations },
    spec: { containers: [{ name: 'main', image: 'registry.local/skyport/test:1' }], ...spec },
  };
}

async function runningPod(pod: k8s.V1Pod): Promise<k8s.V1Pod> {
  const name = pod.metadata?.name ?? '';
  await core.createNamespacedPod({ namespace: NS, body: pod });
  return waitFor(`pod ${name} Running`, async () => {
    const p = await core.readNamespacedPod({ name, namespace: NS });
    return p.status?.phase === 'Running' ? p : undefined;
  });
}

/** Waits until the harness created the pod's KWOK object (exec, logs, portforwards) for it. */
async function kwokObject(plural: string, name: string): Promise<void> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  await waitFor(`${plural}/${name}`, () =>
    custom.getNamespacedCustomObject({ group: 'kwok.x-k8s.io', version: 'v1alpha1', namespace: NS, plural, name }).then(() => true),
  );
}

async function execCollect(pod: string, command: string[]): Promise<{ stdout: string; stderr: string; status: k8s.V1Status }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const st = await new Promise<k8s.V1Status>((resolve, reject) => {
    new k8s.Exec(kc).exec(NS, pod, 'main', command, out, err, null, false, resolve).catch(reject);
  });
  await new Promise((r) => setImmediate(r));
  return { stdout, stderr, status: st };
}

function isApiError(code: number) {
  return (e: unknown) => e instanceof k8s.ApiException && e.code === code;
}

describe('local Kubernetes control plane (test/cluster)', { timeout: 30 * 60 * 1000 }, () => {
  before(async () => {
    const up = clusterUp(CLUSTER, 'gpu');
    const s = clusterStatus(CLUSTER);
    assert.ok(s, `cluster ${CLUSTER} not in status`);
    status = s;
    kc = new k8s.KubeConfig();
    kc.loadFromFile(up.kubeconfig);
    kc.setCurrentContext(up.context);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } }).catch((e: unknown) => {
      if (!isApiError(409)(e)) throw e;
    });
    await waitFor('default ServiceAccount', () => core.readNamespacedServiceAccount({ name: 'default', namespace: NS }).then(() => true));
  });

  after(() => {
    if (!process.env.SKYPORT_KEEP_CLUSTER) clusterDown(CLUSTER);
  });

  it('serves /version v1.36.x', async () => {
    const v = await kc.makeApiClient(k8s.VersionApi).getCode();
    assert.match(v.gitVersion, /^v1\.36\.\d+$/);
  });

  it('has Ready KWOK nodes with the gpu layout capacities, labels and taints', async () => {
    const nodes = (await core.listNode()).items;
    assert.equal(nodes.length, 4);
    for (const n of nodes) {
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'True', `${n.metadata?.name} Ready`);
      for (const a of n.status?.addresses ?? []) {
        if (a.type === 'InternalIP') assert.match(a.address, /^127\./, 'node addresses stay on loopback');
      }
    }
    const cpu = nodes.filter((n) => !n.status?.capacity?.[GPU]);
    assert.equal(cpu.length, 2);
    for (const n of cpu) {
      assert.equal(n.status?.allocatable?.cpu, '8');
      assert.equal(n.status?.allocatable?.memory, '32Gi');
    }
    const gpu = nodes.filter((n) => n.status?.capacity?.[GPU]);
    assert.equal(gpu.length, 2);
    for (const n of gpu) {
      assert.equal(n.status?.allocatable?.[GPU], '8');
      assert.ok(n.spec?.taints?.some((t) => t.key === GPU && t.value === 'present' && t.effect === 'NoSchedule'));
    }
    assert.ok(gpu.some((n) => n.metadata?.labels?.['cloud.google.com/gke-accelerator'] === 'nvidia-tesla-a100'));
    assert.ok(gpu.some((n) => n.metadata?.labels?.['nvidia.com/gpu.product'] === 'NVIDIA-A100-SXM4-80GB'));
  });

  it('schedules a 2-GPU pod onto a GPU node and leaves an oversized one Pending with FailedScheduling', async () => {
    const limits = (n: number) => ({ tolerations: [gpuToleration], containers: [{ name: 'main', image: 'cuda:12', resources: { limits: { [GPU]: String(n) } } }] });
    const fits = await runningPod(podManifest('gpu-2', limits(2)));
    const node = await core.readNode({ name: fits.spec?.nodeName ?? '' });
    assert.equal(node.status?.capacity?.[GPU], '8');
    assert.match(fits.status?.podIP ?? '', /^127\./, 'pod IPs stay on loopback');

    await core.createNamespacedPod({ namespace: NS, body: podManifest('gpu-16', limits(16)) });
    const ev = await waitFor('FailedScheduling event', async () => {
      const list = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=gpu-16,reason=FailedScheduling' });
      return list.items[0];
    });
    assert.match(ev.message ?? '', /Insufficient nvidia\.com\/gpu/);
    const pending = await core.readNamespacedPod({ name: 'gpu-16', namespace: NS });
    assert.equal(pending.status?.phase, 'Pending');
    assert.equal(pending.spec?.nodeName, undefined);
  });

  it('exec runs a real local process in the per-pod working directory', async () => {
    await runningPod(podManifest('exec', { containers: [{ name: 'main', image: 'x', env: [{ name: 'GREETING', value: 'hello' }] }] }));
    await kwokObject('execs', 'exec');
    const r = await waitFor('exec', () => execCollect('exec', ['sh', '-c', 'echo "$GREETING from $POD_NAME"; pwd; expr 6 \\* 7']));
    assert.equal(r.status.status, 'Success', r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'hello from exec');
    assert.equal(lines[1], podDir(status, NS, 'exec'));
    assert.equal(lines[2], '42');
  });

  it('streams pod logs from the per-pod CRI log file (follow)', async () => {
    await runningPod(podManifest('logs'));
    await kwokObject('logs', 'logs');
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const abort = await waitFor('log stream', () => new k8s.Log(kc).log(NS, 'logs', 'main', stream, { follow: true }));
    try {
      await waitFor('first log line', async () => text.includes('container main started'));
      const file = `${podDir(status, NS, 'logs')}/main.log`;
      appendFileSync(file, `${new Date().toISOString()} stdout F streamed line 1\n`);
      appendFileSync(file, `${new Date().toISOString()} stderr F streamed line 2\n`);
      await waitFor('streamed lines', async () => text.includes('streamed line 1') && text.includes('streamed line 2'), 15_000);
    } finally {
      abort.abort();
    }
  });

  it('port-forwards to a 127.0.0.1 target and round-trips bytes', async () => {
    const echo: Server = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const target = (echo.address() as AddressInfo).port;
    const pf = new k8s.PortForward(kc, true);
    const local: Server = createServer((sock) => {
      pf.portForward(NS, 'pf', [8080], sock, null, sock).catch(() => sock.destroy());
    });
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    try {
      await runningPod(podManifest('pf', {}, { 'skyport.dev/port-forward': `8080=127.0.0.1:${target}` }));
      await kwokObject('portforwards', 'pf');
      const payload = `ping-${Date.now()}`;
      const got = await waitFor(
        'port-forward round trip',
        () =>
          new Promise<string | undefined>((resolve) => {
            const c = connect((local.address() as AddressInfo).port, '127.0.0.1');
            let buf = '';
            const t = setTimeout(() => (c.destroy(), resolve(undefined)), 3000);
            c.on('connect', () => c.write(payload));
            c.on('data', (d) => {
              buf += d.toString();
              if (buf.includes(payload)) {
                clearTimeout(t);
                c.end();
                resolve(buf);
              }
            });
            c.on('error', () => (clearTimeout(t), resolve(undefined)));
          }),
      );
      assert.equal(got, payload);
    } finally {
      local.close();
      echo.close();
    }
  });

  it('rejects invalid pod specs with 422', async () => {
    await assert.rejects(core.createNamespacedPod({ namespace: NS, body: podManifest('Invalid_Name') }), isApiError(422));
    await assert.rejects(core.createNamespacedPod({ namespace: NS, body: podManifest('no-containers', { containers: [] }) }), isApiError(422));
  });

  it('gives LoadBalancer Services a 127.x ingress IP and has the nginx ingress controller Service', async () => {
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'lb' } } },
    });
    const ip = await waitFor('LoadBalancer ingress', async () => {
      const s = await core.readNamespacedService({ name: 'lb', namespace: NS });
      return s.status?.loadBalancer?.ingress?.[0]?.ip;
    });
    assert.match(ip, /^127\./);
    const svc = await core.readNamespacedService({ name: 'lb', namespace: NS });
    assert.match(svc.spec?.clusterIP ?? '', /^127\./, 'service IPs stay on loopback');
    const ingressSvc = await core.readNamespacedService({ name: 'ingress-nginx-controller', namespace: 'ingress-nginx' });
    assert.match(ingressSvc.status?.loadBalancer?.ingress?.[0]?.ip ?? '', /^127\./);
    const cls = await kc.makeApiClient(k8s.NetworkingV1Api).readIngressClass({ name: 'nginx' });
    assert.equal(cls.spec?.controller, 'k8s.io/ingress-nginx');
  });

  it('injects failures: Failed pod and ErrImagePull', async () => {
    await runningPod(podManifest('fails'));
    failPod(CLUSTER, NS, 'fails', 3);
    const failed = await core.readNamespacedPod({ name: 'fails', namespace: NS });
    assert.equal(failed.status?.phase, 'Failed');
    assert.equal(failed.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);

    await runningPod(podManifest('pull'));
    imagePullError(CLUSTER, NS, 'pull');
    // KWOK must leave the injected state alone
    await new Promise((r) => setTimeout(r, 1500));
    const pull = await core.readNamespacedPod({ name: 'pull', namespace: NS });
    assert.equal(pull.status?.phase, 'Pending');
    assert.equal(pull.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ErrImagePull');
  });
});
