// Proves the `real` layout of test/cluster runs real containers: real kubelets (v1.36.1) with containerd +
// runc register Ready nodes; pods pull the default task image from the local registry and run python3; logs,
// exec and port-forward go through the kubelet; the private image needs the registry's credentials (401
// without them); pods talk TCP by pod IP across nodes on the private bridge; the fake-GPU device plugin's
// node runs a GPU pod with CUDA_VISIBLE_DEVICES set; a claim of the default StorageClass (local-path) binds to a
// directory a pod writes; `down` leaves no process, cgroup or bridge behind.
// Starts its own cluster (needs root, like the layout itself).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { clusterDown, clusterStatus, clusterUp, registryInfo, type ClusterStatus, type RegistryInfo } from './cluster-cli';

const CLUSTER = process.env.SKYPORT_REAL_SPEC_NAME ?? `rspec-${process.pid}`;
const NS = 'real-spec';
const PULL_SECRET = 'local-registry';

let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let status: ClusterStatus;
let registry: RegistryInfo;
let down = false;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
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

function node(i: number): string {
  return `${CLUSTER}-real-${i}`;
}

function pod(name: string, command: string[], spec: Partial<k8s.V1PodSpec> = {}, container: Partial<k8s.V1Container> = {}): k8s.V1Pod {
  return {
    metadata: { name, namespace: NS },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      containers: [{ name: 'main', image: status.defaultImage, command, ...container }],
      ...spec,
    },
  };
}

async function create(p: k8s.V1Pod): Promise<number> {
  await core.createNamespacedPod({ namespace: NS, body: p });
  return Date.now();
}

async function phase(name: string, want: string[], timeoutMs = 90_000): Promise<k8s.V1Pod> {
  return waitFor(
    `pod ${name} ${want.join('|')}`,
    async () => {
      const p = await core.readNamespacedPod({ name, namespace: NS });
      if (p.status?.phase === 'Failed' && !want.includes('Failed')) {
        throw new Error(`pod ${name} failed: ${JSON.stringify(p.status?.containerStatuses?.[0]?.state)}`);
      }
      return want.includes(p.status?.phase ?? '') ? p : undefined;
    },
    timeoutMs,
  );
}

async function logs(name: string): Promise<string> {
  return core.readNamespacedPodLog({ name, namespace: NS, container: 'main' });
}

async function execCollect(name: string, command: string[]): Promise<{ stdout: string; status: k8s.V1Status }> {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  const st = await new Promise<k8s.V1Status>((resolve, reject) => {
    new k8s.Exec(kc).exec(NS, name, 'main', command, out, new PassThrough(), null, false, resolve).catch(reject);
  });
  await new Promise((r) => setImmediate(r));
  return { stdout, status: st };
}

/**
 * One HTTP/1.0 GET of a directory listing through a connection to 127.0.0.1:port; resolves with the raw
 * response once the page is complete (the port-forward stream does not always pass the server's close on).
 */
function httpGet(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    let buf = '';
    const done = (v: string | undefined) => (clearTimeout(t), c.destroy(), resolve(v));
    const t = setTimeout(() => done(undefined), 5000);
    c.on('connect', () => c.write('GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'));
    c.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('</html>')) done(buf);
    });
    c.on('end', () => done(buf || undefined));
    c.on('error', () => done(undefined));
  });
}

/** pids of every process in the real nodes' cgroups (containers, pause processes). */
function containerPids(): number[] {
  const pids: number[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name === 'cgroup.procs') {
        pids.push(...readFileSync(join(dir, e.name), 'utf8').split('\n').filter(Boolean).map(Number));
      }
    }
  };
  for (let i = 0; i < status.nodes; i++) walk(`/sys/fs/cgroup/pids/skyport-${CLUSTER}-n${i}`);
  return pids;
}

function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', '--', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // exit 1: no match
  }
}

/** The real layout needs root and the packages scripts/setup.sh installs; elsewhere the suite is skipped, saying why. */
function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'the real layout needs root (kubelet, containerd, bridge, cgroups)';
  for (const bin of ['containerd', 'runc', 'debootstrap', 'docker-registry']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    } catch {
      return `${bin} is not installed (bash scripts/setup.sh installs it)`;
    }
  }
  return false;
}

describe('real layout: kubelets, containerd, registry, bridge, device plugin (test/cluster)', { timeout: 10 * 60 * 1000, skip: skipReason() }, () => {
  before(async () => {
    const t0 = Date.now();
    const up = clusterUp(CLUSTER, 'real');
    console.log(`# cluster ${CLUSTER} (real, 2 nodes) up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const s = clusterStatus(CLUSTER);
    assert.ok(s?.defaultImage && s.privateImage && s.registry, `cluster ${CLUSTER}: status lacks registry/images`);
    status = s;
    registry = registryInfo();
    assert.equal(registry.registry, status.registry);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(up.kubeconfig);
    kc.setCurrentContext(up.context);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } }).catch((e: unknown) => {
      if (!(e instanceof k8s.ApiException && e.code === 409)) throw e;
    });
    const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64');
    await core.createNamespacedSecret({
      namespace: NS,
      body: {
        metadata: { name: PULL_SECRET },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [registry.registry]: { auth } } }) },
      },
    });
    await waitFor('default ServiceAccount', () => core.readNamespacedServiceAccount({ name: 'default', namespace: NS }).then(() => true));
  });

  after(() => {
    if (!down && !process.env.SKYPORT_KEEP_CLUSTER) clusterDown(CLUSTER);
  });

  it('registers real kubelets v1.36.1 on containerd, Ready, at 127.0.0.1, the GPU node with its labels', async () => {
    const nodes = (await core.listNode()).items.filter((n) => n.metadata?.labels?.type === 'real');
    assert.deepEqual(nodes.map((n) => n.metadata?.name).sort(), [node(0), node(1)]);
    for (const n of nodes) {
      assert.equal(n.status?.nodeInfo?.kubeletVersion, 'v1.36.1');
      assert.match(n.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\//);
      assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      assert.deepEqual(n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, '127.0.0.1');
      assert.ok(!(n.spec?.taints ?? []).some((t) => t.key === 'node.cloudprovider.kubernetes.io/uninitialized'));
    }
    const gpu = nodes.find((n) => n.metadata?.name === status.gpuNode);
    assert.equal(gpu?.status?.allocatable?.['nvidia.com/gpu'], '4');
    assert.equal(gpu?.metadata?.labels?.['nvidia.com/gpu.product'], 'NVIDIA-A100-SXM4-80GB');
    assert.equal(gpu?.metadata?.labels?.['nvidia.com/gpu.count'], '4');
  });

  it('runs python3 from the default image pulled from the local registry; its logs are read', async (t) => {
    const script = [
      'set -e',
      'python3 -c "import sys, venv, pip; print(\'python\', sys.version_info.major, sys.version_info.minor)"',
      'for c in bash tar rsync ps curl ssh sshd pip3; do command -v $c >/dev/null || { echo missing $c; exit 1; }; done',
      'python3 -m venv --without-pip /tmp/venv && /tmp/venv/bin/python -c "import sys; print(sys.prefix)" && echo venv-ok',
      'grep -q bookworm /etc/os-release && echo debian-bookworm',
    ].join('\n');
    const t0 = await create(pod('py', ['bash', '-c', script], { nodeSelector: { 'kubernetes.io/hostname': node(1) } }));
    await phase('py', ['Succeeded']);
    t.diagnostic(`first pod (image pull + run) done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const out = await logs('py');
    assert.match(out, /^python 3 \d+$/m);
    assert.match(out, /venv-ok/);
    assert.match(out, /debian-bookworm/);
  });

  it('execs in a running container and port-forwards to python3 -m http.server', async (t) => {
    const t0 = await create(
      pod('web', ['python3', '-m', 'http.server', '8888', '--directory', '/etc'], { nodeSelector: { 'kubernetes.io/hostname': node(1) } }, {
        ports: [{ containerPort: 8888 }],
        readinessProbe: { tcpSocket: { port: 8888 }, periodSeconds: 1 },
      }),
    );
    await waitFor('web Ready', async () => {
      const p = await core.readNamespacedPod({ name: 'web', namespace: NS });
      return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    });
    t.diagnostic(`web pod Ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (image cached)`);
    const ex = await execCollect('web', ['python3', '-c', 'import os; print("exec", os.getuid(), os.getcwd())']);
    assert.equal(ex.status.status, 'Success');
    assert.match(ex.stdout, /^exec 0 \//);
    const bad = await execCollect('web', ['sh', '-c', 'exit 3']);
    assert.equal(bad.status.status, 'Failure');

    const pf = new k8s.PortForward(kc, true);
    const local: Server = createServer((sock) => {
      pf.portForward(NS, 'web', [8888], sock, null, sock).catch(() => sock.destroy());
    });
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    try {
      const res = await waitFor('HTTP through port-forward', () => httpGet((local.address() as AddressInfo).port), 20_000);
      assert.match(res, /^HTTP\/1\.0 200/);
      assert.match(res, /os-release/);
    } finally {
      local.close();
    }
  });

  it('pods talk TCP by pod IP across nodes on the bridge', async () => {
    const web = await phase('web', ['Running']);
    const ip = web.status?.podIP ?? '';
    const net = (status.podSubnet ?? '').replace(/\.0\/24$/, '.');
    assert.ok(ip.startsWith(net), `pod IP ${ip} outside ${status.podSubnet}`);
    const script = `import urllib.request; r = urllib.request.urlopen("http://${ip}:8888/hostname", timeout=5); print("status", r.status)`;
    await create(pod('client', ['python3', '-c', script], { nodeSelector: { 'kubernetes.io/hostname': node(0) } }));
    await phase('client', ['Succeeded']);
    assert.match(await logs('client'), /status 200/);
  });

  it('pulls the private image with the pull secret; without it fails with the registry 401', async () => {
    await create(pod('private-ok', [], { imagePullSecrets: [{ name: PULL_SECRET }] }, { image: status.privateImage, command: undefined }));
    await create(pod('private-denied', [], {}, { image: status.privateImage, command: undefined }));
    await phase('private-ok', ['Succeeded']);
    assert.match(await logs('private-ok'), /hello from the private image/);
    const waiting = await waitFor('ErrImagePull', async () => {
      const p = await core.readNamespacedPod({ name: 'private-denied', namespace: NS });
      const w = p.status?.containerStatuses?.[0]?.state?.waiting;
      return w && /ErrImagePull|ImagePullBackOff/.test(w.reason ?? '') ? w : undefined;
    });
    const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=private-denied' });
    const text = `${waiting.message ?? ''} ${events.items.map((e) => e.message).join(' ')}`;
    assert.match(text, /401|unauthorized/i, text);
  });

  it('runs a GPU pod on the device plugin node with CUDA_VISIBLE_DEVICES', async () => {
    await create(
      pod('gpu', ['sh', '-c', 'echo "CUDA=$CUDA_VISIBLE_DEVICES NV=$NVIDIA_VISIBLE_DEVICES"'], {}, {
        resources: { limits: { 'nvidia.com/gpu': '2' } },
      }),
    );
    const p = await phase('gpu', ['Succeeded']);
    assert.equal(p.spec?.nodeName, status.gpuNode);
    assert.match(await logs('gpu'), /^CUDA=0,1 NV=GPU-skyport-\S+-\d,GPU-skyport-\S+-\d$/m);
  });

  it('binds a claim of the default StorageClass local-path to a directory a pod writes; deleting the claim removes it', async (t) => {
    const storage = kc.makeApiClient(k8s.StorageV1Api);
    const classes = (await storage.listStorageClass()).items;
    const defaults = classes.filter((c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    assert.deepEqual(defaults.map((c) => [c.metadata?.name, c.provisioner, c.volumeBindingMode]), [['local-path', 'rancher.io/local-path', 'WaitForFirstConsumer']]);
    // no storageClassName: the default class, as a chart's claim without one gets it
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } },
    });
    // a non-root writer, as the chart's PostgreSQL (uid 70) is
    const t0 = await create(
      pod('writer', ['sh', '-c', 'echo kept > /data/file && id -u'], { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }], securityContext: { runAsUser: 70, runAsGroup: 70 } }, {
        volumeMounts: [{ name: 'd', mountPath: '/data' }],
      }),
    );
    await phase('writer', ['Succeeded'], 120_000);
    t.diagnostic(`claim bound and written in ${((Date.now() - t0) / 1000).toFixed(1)} s (a helper pod makes the directory)`);
    assert.match(await logs('writer'), /^70$/m);
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: NS });
    assert.equal(claim.status?.phase, 'Bound');
    assert.equal(claim.spec?.storageClassName, 'local-path');
    const pv = await core.readPersistentVolume({ name: claim.spec!.volumeName! });
    const dir = pv.spec?.hostPath?.path ?? '';
    assert.ok(dir.startsWith(`${status.stateDir}/real/volumes/pvc-`), dir);
    assert.equal(readFileSync(join(dir, 'file'), 'utf8'), 'kept\n');
    await core.deleteNamespacedPod({ name: 'writer', namespace: NS });
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: NS });
    // reclaim policy Delete: the volume and its directory go (through a teardown helper pod)
    await waitFor('the volume to be deleted', async () => !existsSync(dir) && (await core.readPersistentVolume({ name: pv.metadata!.name! }).then(() => false, () => true)), 120_000);
  });

  it('down stops every kubelet, containerd, shim and container and removes cgroups and the bridge', async () => {
    const runDir = `/run/skyport/c-${createHash('sha256').update(status.stateDir).digest('hex').slice(0, 10)}`;
    const before = [...containerPids(), ...pgrep(status.stateDir), ...pgrep(runDir)];
    assert.ok(containerPids().length >= 2, 'expected running containers (web + its pause process) before down');
    assert.ok(pgrep(`-address ${runDir}/`).length >= 1, 'expected containerd shims before down');
    assert.ok(pgrep(`${status.stateDir}/real/`).length >= 4, 'expected kubelets + containerds before down');
    assert.equal(pgrep(`local-path-provisioner start --kubeconfig ${status.stateDir}/`).length, 1, 'expected the volume provisioner before down');
    clusterDown(CLUSTER);
    down = true;
    // A killed process stays in /proc as a zombie until it is reaped: give the kernel and init a moment.
    let alive = before.filter(isRunning);
    for (let i = 0; i < 50 && alive.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      alive = before.filter(isRunning);
    }
    assert.deepEqual(alive, [], `processes left after down: ${alive.map(describeProcess).join('; ')}`);
    assert.deepEqual(pgrep(status.stateDir), []);
    assert.deepEqual(pgrep(runDir), []);
    for (const h of ['pids', 'memory', 'cpu']) assert.ok(!existsSync(`/sys/fs/cgroup/${h}/skyport-${CLUSTER}-n0`), `cgroup ${h} left`);
    const gw = (status.podSubnet ?? '').replace(/\.0\/24$/, '.1');
    assert.ok(!execFileSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' }).includes(`${gw}/`), 'bridge left');
    assert.ok(!existsSync(runDir));
  });
});

/** Alive and not a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 120)}`;
  } catch {
    return String(pid);
  }
}
