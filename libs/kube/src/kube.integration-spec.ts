import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { V1Pod } from '@kubernetes/client-node';
import { KubeClientProvider } from './client/kube-client.provider';
import { execCommand, execStream, writeFileInPod } from './exec/pod-exec';
import { podInformer, nodeInformer } from './informer/informers';
import { forwardPort } from './port-forward/port-forward';
import { createTestNamespace, testKubeTarget, testProvider } from './testing/test-kube';
import { kubeCall } from './errors/kube-error.translator';
import { Writable } from 'node:stream';

const target = testKubeTarget();

describe('libs/kube against the local control plane', { skip: target ? false : 'no local cluster (run through npm test)' }, () => {
  let provider: KubeClientProvider;
  let ns: { name: string; drop: () => Promise<void> };
  let echo: Server;
  let echoPort = 0;
  const echoSockets = new Set<import('node:net').Socket>();
  const pod = 'kube-it';

  before(async () => {
    provider = testProvider(target!);
    const clients = provider.forContext(target!.context);
    ns = await createTestNamespace(clients, 'kube-it');
    // The harness forwards a pod's declared containerPort P to 127.0.0.1:P on this host.
    echo = createServer((s) => {
      echoSockets.add(s);
      s.on('data', (d) => s.write(`echo:${d.toString()}`));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    echoPort = (echo.address() as { port: number }).port;
    const body: V1Pod = {
      metadata: { name: pod, namespace: ns.name, labels: { app: 'kube-it' } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'debian:bookworm-slim', env: [{ name: 'GREETING', value: 'hi' }], ports: [{ containerPort: echoPort }] }],
      },
    };
    await clients.core.createNamespacedPod({ namespace: ns.name, body });
    await waitForExec(provider, ns.name, pod);
  });

  after(async () => {
    echoSockets.forEach((s) => s.destroy());
    echo?.close();
    await ns?.drop();
  });

  test('ping reports the server version', async () => {
    const v = await provider.ping(target!.context);
    assert.match(v.gitVersion, /^v1\.\d+/);
  });

  test('informers list nodes and see a pod change', async () => {
    const clients = provider.forContext(target!.context);
    const nodes = nodeInformer(clients);
    const pods = podInformer(clients, { namespace: ns.name });
    nodes.start();
    pods.start();
    try {
      await Promise.all([nodes.waitForSync(), pods.waitForSync()]);
      assert.ok(nodes.list().length > 0);
      assert.equal(pods.get(pod, ns.name)?.status?.phase, 'Running');
      const seen = new Promise<string>((resolve) => pods.onChange((p) => p.metadata?.labels?.touched && resolve(p.metadata.labels.touched)));
      await clients.core.patchNamespacedPod({ name: pod, namespace: ns.name, body: [{ op: 'add', path: '/metadata/labels/touched', value: 'yes' }] });
      assert.equal(await seen, 'yes');
    } finally {
      await Promise.all([nodes.dispose(), pods.dispose()]);
    }
    assert.equal(nodes.state, 'stopped');
  });

  test('an informer on a namespace that does not exist is benign: synced empty', async () => {
    const pods = podInformer(provider.forContext(target!.context), { namespace: 'no-such-namespace-xyz' });
    pods.start();
    await pods.waitForSync(10_000);
    assert.deepEqual(pods.list(), []);
    await pods.dispose();
  });

  test('exec collects stdout, stderr, exit code and stdin', async () => {
    const t = { clients: provider.forContext(target!.context), namespace: ns.name, pod, container: 'main' };
    const ok = await execCommand(t, ['bash', '-c', 'echo "$GREETING out"; echo err >&2; exit 3']);
    assert.deepEqual(ok, { exitCode: 3, stdout: 'hi out\n', stderr: 'err\n' });
    // Sized read: the local cluster's exec does not forward the end of stdin, so `cat` alone would never end.
    const cat = await execCommand(t, ['head', '-c', '10'], { stdin: 'from stdin' });
    assert.equal(cat.stdout, 'from stdin');
    assert.equal(cat.exitCode, 0);
    await writeFileInPod(t, 'files/secret.env', 'A=1\n');
    const w = await execCommand(t, ['bash', '-c', 'cat files/secret.env; stat -c %a files/secret.env']);
    assert.equal(w.stdout, 'A=1\n600\n');
  });

  test('streaming exec delivers output as it comes', async () => {
    const t = { clients: provider.forContext(target!.context), namespace: ns.name, pod, container: 'main' };
    const chunks: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) });
    const r = await execStream(t, ['bash', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.1; done'], { stdout: sink });
    assert.equal(r.exitCode, 0);
    assert.equal(chunks.join(''), 'line1\nline2\nline3\n');
  });

  test('exec into a pod that does not exist is a typed not-found', async () => {
    const t = { clients: provider.forContext(target!.context), namespace: ns.name, pod: 'nope', container: 'main' };
    await assert.rejects(execCommand(t, ['true']), (e: unknown) => e instanceof SkyportError && e.details?.kind === 'not-found');
  });

  test('port-forward reaches the pod port through 127.0.0.1', async () => {
    const fwd = await forwardPort({ clients: provider.forContext(target!.context), namespace: ns.name, pod, remotePort: echoPort });
    try {
      assert.equal(fwd.host, '127.0.0.1');
      const reply = await new Promise<string>((resolve, reject) => {
        const s = connect(fwd.localPort, '127.0.0.1', () => s.write('ping'));
        s.on('data', (d) => {
          resolve(d.toString());
          s.destroy();
        });
        s.on('error', reject);
      });
      assert.equal(reply, 'echo:ping');
    } finally {
      await fwd.close();
    }
  });

  test('an unreachable API server is a typed, actionable error', async () => {
    const kc = provider.kc;
    const broken = new KubeClientProvider(kc, undefined);
    const ctx = broken.forContext(target!.context);
    const saved = ctx.kc.clusters;
    // A copy of the config pointing at a closed loopback port.
    const other = new (kc.constructor as typeof import('@kubernetes/client-node').KubeConfig)();
    other.loadFromOptions({ clusters: saved.map((c) => ({ ...c, server: 'https://127.0.0.1:9' })), users: kc.users, contexts: kc.contexts, currentContext: target!.context });
    const p = new KubeClientProvider(other);
    await assert.rejects(
      kubeCall({ verb: 'list', resource: 'nodes', context: target!.context }, () => p.forContext(target!.context).core.listNode()),
      (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.KubernetesUnavailable && e.details?.kind === 'unreachable',
    );
  });
});

async function waitForExec(provider: KubeClientProvider, namespace: string, pod: string): Promise<void> {
  const t = { clients: provider.forContext(testKubeTarget()!.context), namespace, pod, container: 'main' };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await execCommand(t, ['true'], { timeoutMs: 5_000 });
      if (r.exitCode === 0) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
