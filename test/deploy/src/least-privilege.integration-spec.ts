import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { PortForward, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { NODE_CONTAINER } from '@skyport/contracts';
import { KubeClientProvider, execCommand, kubeCall, listClusterNodes, nodeInformer, podInformer, translateKubeError, type KubeClients } from '@skyport/kube';
import { BUILD_TIMEOUT_MS, ensureTools } from './support/tools';
import { renderChart } from './support/chart';
import { adminClients, createNamespace, deleteNamespace, deleteObjects, serverSideApply, serviceAccountKubeconfig, uniqueName } from './support/cluster';

const LABELS = { 'skyport.dev/cluster': 'lp', 'app.kubernetes.io/managed-by': 'skyport' };

/** Runs a call as the ServiceAccount and returns the SkyportError it was refused with. */
async function refused(what: string, fn: () => Promise<unknown>): Promise<SkyportError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof SkyportError, `${what}: expected a SkyportError, got ${String(err)}`);
    return err;
  }
  assert.fail(`${what} was allowed; the chart's Role must not allow it`);
}


/** Sends `payload` to the pod's port over one port-forward stream and resolves with the first reply. */
async function portForwardRoundTrip(clients: KubeClients, namespace: string, pod: string, port: number, payload: string): Promise<string> {
  const input = new PassThrough();
  const errors: string[] = [];
  const err = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (chunk.length > 0) errors.push(chunk.toString('utf8'));
      cb();
    },
  });
  let socket: { close(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply through the port-forward${errors.length ? `: ${errors.join('; ')}` : ''}`)), 15_000);
      const output = new Writable({
        write(chunk: Buffer, _enc, cb) {
          // client-node strips the 2-byte port prefix and passes on what is left, often nothing.
          if (chunk.length > 0) resolve(chunk.toString('utf8'));
          cb();
        },
      });
      new PortForward(clients.kc, true)
        .portForward(namespace, pod, [port], output, err, input)
        .then((ws) => {
          socket = (typeof ws === 'function' ? ws() : ws) ?? undefined;
          input.write(payload);
        })
        .catch((e: unknown) => reject(translateKubeError(e, { verb: 'create', resource: 'pods/portforward', name: pod, namespace })));
    });
  } finally {
    clearTimeout(timer);
    input.end();
    socket?.close();
  }
}

/** A TCP echo server on 127.0.0.1 (the port-forward target) that can be closed with its connections. */
async function echoServer(): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe("least privilege: the chart's ServiceAccount token, through @skyport/kube, against a real API server", () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  let admin: KubeClients;
  let sa: KubeClients;
  /** The api's own ServiceAccount (skyport-api): `skyport ssh` exec streams only. */
  let apiSa: KubeClientProvider;
  let removeApiKubeconfig: (() => void) | undefined;
  let ns: string;
  let other: string;
  /** A team's task namespace the chart creates (rbac.createTaskNamespaces), Pod Security label included. */
  let team: string;
  let removeKubeconfig: (() => void) | undefined;
  let clusterObjects: KubernetesObject[] = [];
  let echo: { port: number; close: () => void };

  before(async () => {
    admin = adminClients();
    ns = uniqueName('sp-rbac');
    other = uniqueName('sp-other');
    team = uniqueName('sp-team');
    await createNamespace(admin, ns);
    await createNamespace(admin, other);
    // The chart's objects, applied for real: its ServiceAccount, Role, bindings (and the Deployments, which
    // KWOK "runs" without images), and the team namespace it creates.
    const objects = renderChart({ namespace: ns, valueSets: ['external'], set: [`rbac.taskNamespaces={${ns},${team}}`, 'rbac.createTaskNamespaces=true'] });
    clusterObjects = objects.filter((o) => o.kind?.startsWith('Cluster'));
    const { failures } = await serverSideApply(admin, objects, { dryRun: false });
    assert.deepEqual(failures, []);
    await admin.core.createNamespacedSecret({ namespace: other, body: { metadata: { name: 'not-yours' }, stringData: { k: 'v' } } });
    await admin.core.createNamespacedPod({ namespace: other, body: { metadata: { name: 'someone-else' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });

    const kubeconfig = await serviceAccountKubeconfig(admin, ns, 'skyport');
    removeKubeconfig = kubeconfig.remove;
    // Exactly how the provisioner loads a kubeconfig (KUBECONFIG / explicit paths), with nothing but the token.
    sa = KubeClientProvider.fromSource({ paths: [kubeconfig.path] }).forContext();
    assert.equal(sa.context.namespace, ns);
    const apiKubeconfig = await serviceAccountKubeconfig(admin, ns, 'skyport-api');
    removeApiKubeconfig = apiKubeconfig.remove;
    // Exactly how the api's ssh gateway loads its configuration (@skyport/kube's LazyKubeProvider: the kubeconfig, no allowed list).
    apiSa = KubeClientProvider.fromSource({ paths: [apiKubeconfig.path] });
    echo = await echoServer();
  });

  after(async () => {
    echo?.close();
    removeKubeconfig?.();
    removeApiKubeconfig?.();
    if (!admin) return;
    await deleteObjects(admin, clusterObjects);
    for (const n of [ns, other, team]) if (n) await deleteNamespace(admin, n);
  });

  const op = (verb: string, resource: string, name?: string) => ({ verb, resource, name, namespace: ns, context: sa.context.name });

  it('runs a task pod end to end: create, watch to Running, exec, logs, port-forward, delete', async () => {
    const name = uniqueName('lp-head');
    const pod: V1Pod = {
      metadata: { name, labels: LABELS },
      spec: {
        containers: [{ name: 'task', image: 'skyport/task:test', ports: [{ name: 'app', containerPort: echo.port }] }],
        terminationGracePeriodSeconds: 0,
      },
    };
    await kubeCall(op('create', 'pods', name), () => sa.core.createNamespacedPod({ namespace: ns, body: pod }));

    // Informers (list + watch) in the namespace, as the provisioner watches its pods.
    const informer = podInformer(sa, { namespace: ns, labelSelector: 'skyport.dev/cluster=lp' });
    try {
      informer.start();
      await informer.waitForSync(20_000);
      const deadline = Date.now() + 60_000;
      while (informer.get(name, ns)?.status?.phase !== 'Running') {
        assert.ok(Date.now() < deadline, `pod ${name} did not reach Running: ${informer.get(name, ns)?.status?.phase}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await informer.dispose();
    }

    // exec (pods/exec)
    const target = { clients: sa, namespace: ns, pod: name, container: 'task' };
    let execResult: Awaited<ReturnType<typeof execCommand>> | undefined;
    const execDeadline = Date.now() + 30_000;
    for (;;) {
      // The harness adds the pod's exec wiring right after it is bound; retry briefly until it is there.
      try {
        execResult = await execCommand(target, ['sh', '-c', 'echo "hello from $POD_NAME"'], { timeoutMs: 15_000 });
        break;
      } catch (err) {
        if (Date.now() > execDeadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    assert.equal(execResult.exitCode, 0);
    assert.equal(execResult.stdout.trim(), `hello from ${name}`);

    // logs (pods/log)
    const log = await kubeCall(op('get', 'pods/log', name), () => sa.core.readNamespacedPodLog({ name, namespace: ns, container: 'task' }));
    assert.match(String(log), /container task started/);

    // port-forward (pods/portforward): bytes reach the pod's port through the API server's portforward
    // subresource. Spoken with client-node's PortForward directly: @skyport/kube's forwardPort currently drops
    // the connection on the empty error-channel frame that follows the port prefix (reported to its owner).
    const reply = await portForwardRoundTrip(sa, ns, name, echo.port, 'ping-through-forward');
    assert.equal(reply, 'ping-through-forward');

    await kubeCall(op('delete', 'pods', name), () => sa.core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 }));
  });

  it('creates, reads and deletes services, secrets, volumes and ingresses; reads events and nodes', async () => {
    await kubeCall(op('create', 'services'), () =>
      sa.core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'lp-head', labels: LABELS }, spec: { clusterIP: 'None', selector: LABELS, ports: [{ port: 22 }] } } }),
    );
    await kubeCall(op('create', 'secrets'), () => sa.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'lp-env', labels: LABELS }, stringData: { TOKEN: 'x' } } }));
    // A relaunch replaces the cluster's secret in place.
    await kubeCall(op('update', 'secrets'), () =>
      sa.core.replaceNamespacedSecret({ name: 'lp-env', namespace: ns, body: { metadata: { name: 'lp-env', labels: LABELS }, stringData: { TOKEN: 'y' } } }),
    );
    const secret = await kubeCall(op('get', 'secrets'), () => sa.core.readNamespacedSecret({ name: 'lp-env', namespace: ns }));
    assert.equal(Buffer.from(secret.data?.TOKEN ?? '', 'base64').toString(), 'y');
    await kubeCall(op('create', 'persistentvolumeclaims'), () =>
      sa.core.createNamespacedPersistentVolumeClaim({
        namespace: ns,
        body: { metadata: { name: 'lp-data', labels: LABELS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      }),
    );
    await kubeCall(op('create', 'ingresses'), () =>
      sa.networking.createNamespacedIngress({
        namespace: ns,
        body: {
          metadata: { name: 'lp-port', labels: LABELS },
          spec: { rules: [{ host: 'lp.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'lp-head', port: { number: 22 } } } }] } }] },
        },
      }),
    );
    const events = await kubeCall(op('list', 'events'), () => sa.core.listNamespacedEvent({ namespace: ns }));
    assert.ok(Array.isArray(events.items));
    // The reaper's sweep of its namespace, config maps included.
    await kubeCall(op('list', 'configmaps'), () => sa.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'skyport.dev/cluster' }));

    // Cluster scope, read only: pods everywhere (the capacity snapshot's informer) ...

    // ... and nodes (capacity, GPU labels), through informers as the provisioner's capacity service does.
    const nodes = nodeInformer(sa);
    const allPods = podInformer(sa, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    try {
      nodes.start();
      allPods.start();
      await Promise.all([nodes.waitForSync(20_000), allPods.waitForSync(20_000)]);
      assert.ok(nodes.list().length >= 1);
      assert.ok(allPods.list().some((p) => p.metadata?.namespace !== ns), 'sees pods of other namespaces');
    } finally {
      await nodes.dispose();
      await allPods.dispose();
    }

    // Teardown is one label selector per kind.
    const sel = 'skyport.dev/cluster=lp';
    await kubeCall(op('deletecollection', 'services'), () => sa.core.deleteCollectionNamespacedService({ namespace: ns, labelSelector: sel }));
    await kubeCall(op('deletecollection', 'secrets'), () => sa.core.deleteCollectionNamespacedSecret({ namespace: ns, labelSelector: sel }));
    await kubeCall(op('deletecollection', 'persistentvolumeclaims'), () => sa.core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector: sel }));
    await kubeCall(op('deletecollection', 'ingresses'), () => sa.networking.deleteCollectionNamespacedIngress({ namespace: ns, labelSelector: sel }));
    await kubeCall(op('deletecollection', 'pods'), () => sa.core.deleteCollectionNamespacedPod({ namespace: ns, labelSelector: sel }));
    const left = await kubeCall(op('list', 'secrets'), () => sa.core.listNamespacedSecret({ namespace: ns, labelSelector: sel }));
    assert.equal(left.items.length, 0);
  });

  it("the api's ServiceAccount finds a cluster's pods and opens `skyport ssh` exec streams into them, and nothing else", async () => {
    const clusterName = uniqueName('lp-ssh');
    const name = `${clusterName}-head`;
    const labels = { 'skyport.dev/cluster': clusterName, 'skyport.dev/node-rank': '0', 'app.kubernetes.io/managed-by': 'skyport' };
    await admin.core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name, labels }, spec: { containers: [{ name: NODE_CONTAINER, image: 'skyport/task:test' }], terminationGracePeriodSeconds: 0 } },
    });
    const deadline = Date.now() + 60_000;
    while ((await admin.core.readNamespacedPod({ name, namespace: ns })).status?.phase !== 'Running') {
      assert.ok(Date.now() < deadline, `pod ${name} did not reach Running`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const context = apiSa.defaultContext();
    // The ssh gateway's path: the cluster's pods by label (pods list), then exec into the node's pod.
    const nodes = await listClusterNodes(apiSa, { name: clusterName, infra: `kubernetes/${context}`, namespace: ns });
    assert.deepEqual(nodes.map((n) => [n.rank, n.pod]), [[0, name]]);
    let result: Awaited<ReturnType<typeof execCommand>> | undefined;
    const execDeadline = Date.now() + 30_000;
    for (;;) {
      try {
        result = await execCommand(nodes[0]!.target, ['sh', '-c', 'echo "shell on $POD_NAME"'], { timeoutMs: 15_000 });
        break;
      } catch (err) {
        // The harness adds the pod's exec wiring right after it is bound; a refusal is not that and fails at once.
        if (err instanceof SkyportError && err.code === ErrorCode.KubernetesForbidden) throw err;
        if (Date.now() > execDeadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.trim(), `shell on ${name}`);

    const api = apiSa.forContext(context);
    const at = (verb: string, resource: string, namespace = ns) => ({ verb, resource, namespace, context });
    const cases: [string, () => Promise<unknown>][] = [
      ['create a pod', () => kubeCall(at('create', 'pods'), () => api.core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x' }] } } }))],
      ['delete a pod', () => kubeCall(at('delete', 'pods'), () => api.core.deleteNamespacedPod({ name, namespace: ns }))],
      ['read a pod by name (list by label is all ssh needs)', () => kubeCall(at('get', 'pods'), () => api.core.readNamespacedPod({ name, namespace: ns }))],
      ['read a pod log', () => kubeCall(at('get', 'pods/log'), () => api.core.readNamespacedPodLog({ name, namespace: ns, container: NODE_CONTAINER }))],
      ['list secrets', () => kubeCall(at('list', 'secrets'), () => api.core.listNamespacedSecret({ namespace: ns }))],
      ['list services', () => kubeCall(at('list', 'services'), () => api.core.listNamespacedService({ namespace: ns }))],
      ['list nodes', () => kubeCall({ verb: 'list', resource: 'nodes', context }, () => api.core.listNode())],
      ['list pods in every namespace', () => kubeCall({ verb: 'list', resource: 'pods', context }, () => api.core.listPodForAllNamespaces())],
      ['list pods in another namespace', () => kubeCall(at('list', 'pods', other), () => api.core.listNamespacedPod({ namespace: other }))],
      ['exec in another namespace', () => execCommand({ clients: api, namespace: other, pod: 'someone-else', container: 'c' }, ['true'], { timeoutMs: 10_000 })],
    ];
    for (const [what, fn] of cases) {
      const err = await refused(`the api: ${what}`, fn);
      assert.equal(err.code, ErrorCode.KubernetesForbidden, `the api: ${what}: ${err.code} ${err.userMessage}`);
    }
    const portForward = await portForwardRoundTrip(api, ns, name, echo.port, 'x').then(
      () => 'allowed',
      (e: unknown) => (e instanceof SkyportError ? e.code : String(e)),
    );
    assert.notEqual(portForward, 'allowed', 'the api may not port-forward');
    await admin.core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 });
  });

  it("reads its own namespaces' Pod Security label (the chart made the team's), and no other namespace", async () => {
    const own = await kubeCall({ verb: 'get', resource: 'namespaces', name: team, context: sa.context.name }, () => sa.core.readNamespace({ name: team }));
    assert.equal(own.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'baseline');
    assert.equal(own.metadata?.annotations?.['helm.sh/resource-policy'], 'keep');
    await kubeCall({ verb: 'get', resource: 'namespaces', name: ns, context: sa.context.name }, () => sa.core.readNamespace({ name: ns }));
    const cases: [string, () => Promise<unknown>][] = [
      ['read another namespace object', () => kubeCall({ verb: 'get', resource: 'namespaces', name: other }, () => sa.core.readNamespace({ name: other }))],
      ['list namespaces', () => kubeCall({ verb: 'list', resource: 'namespaces' }, () => sa.core.listNamespace())],
      [
        'patch its own namespace (the label is read, never changed)',
        () => kubeCall({ verb: 'patch', resource: 'namespaces', name: team }, () => sa.core.patchNamespace({ name: team, body: [{ op: 'replace', path: '/metadata/labels/pod-security.kubernetes.io~1enforce', value: 'privileged' }] })),
      ],
      ['delete its own namespace', () => kubeCall({ verb: 'delete', resource: 'namespaces', name: team }, () => sa.core.deleteNamespace({ name: team }))],
    ];
    for (const [what, fn] of cases) {
      const err = await refused(what, fn);
      assert.equal(err.code, ErrorCode.KubernetesForbidden, `${what}: ${err.code} ${err.userMessage}`);
    }
    // Kubernetes itself enforces the label: a privileged pod is refused in the team's namespace, even to the admin.
    const privileged = await admin.core
      .createNamespacedPod({ namespace: team, body: { metadata: { name: 'priv' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } })
      .then(
        () => 'created',
        (e: unknown) => {
          const body = (e as { body?: unknown }).body;
          return typeof body === 'string' ? (JSON.parse(body) as { message: string }).message : String(e);
        },
      );
    assert.match(privileged, /violates PodSecurity "baseline:latest": privileged/);
  });

  it('is refused (403) everything outside the Role', async () => {
    const rbac = sa.kc.makeApiClient(RbacAuthorizationV1Api);
    const cases: [string, () => Promise<unknown>][] = [
      [
        'create a ClusterRole',
        () =>
          kubeCall({ verb: 'create', resource: 'clusterroles' }, () =>
            rbac.createClusterRole({ body: { metadata: { name: uniqueName('lp-escalate') }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] } }),
          ),
      ],
      ['create a Role in its own namespace', () => kubeCall(op('create', 'roles'), () => rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'lp-self' }, rules: [] } }))],
      ['list secrets in another namespace', () => kubeCall({ verb: 'list', resource: 'secrets', namespace: other }, () => sa.core.listNamespacedSecret({ namespace: other }))],
      ['read a secret in another namespace', () => kubeCall({ verb: 'get', resource: 'secrets', namespace: other }, () => sa.core.readNamespacedSecret({ name: 'not-yours', namespace: other }))],
      ['create a pod in another namespace', () => kubeCall({ verb: 'create', resource: 'pods', namespace: other }, () => sa.core.createNamespacedPod({ namespace: other, body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x' }] } } }))],
      ['list secrets in every namespace', () => kubeCall({ verb: 'list', resource: 'secrets' }, () => sa.core.listSecretForAllNamespaces())],
      ['delete a pod in another namespace', () => kubeCall({ verb: 'delete', resource: 'pods', namespace: other }, () => sa.core.deleteCollectionNamespacedPod({ namespace: other }))],
      ['read a configmap (only list/delete for the reaper)', () => kubeCall(op('get', 'configmaps', 'x'), () => sa.core.readNamespacedConfigMap({ name: 'x', namespace: ns }))],
      ['update a service', () => kubeCall(op('update', 'services', 'x'), () => sa.core.replaceNamespacedService({ name: 'x', namespace: ns, body: { metadata: { name: 'x' }, spec: { ports: [{ port: 1 }] } } }))],
      ['patch a pod (no update/patch verbs)', () => kubeCall(op('patch', 'pods', 'x'), () => sa.core.patchNamespacedPod({ name: 'x', namespace: ns, body: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }] }))],
      ['delete a node', () => kubeCall({ verb: 'delete', resource: 'nodes' }, () => sa.core.deleteNode({ name: 'deploy-cpu-0' }))],
      ['create a namespace', () => kubeCall({ verb: 'create', resource: 'namespaces' }, () => sa.core.createNamespace({ body: { metadata: { name: uniqueName('lp-ns') } } }))],
      ['create a serviceaccount token', () => kubeCall(op('create', 'serviceaccounts/token'), () => sa.core.createNamespacedServiceAccountToken({ name: 'skyport', namespace: ns, body: { spec: { audiences: [] } } }))],
    ];
    for (const [what, fn] of cases) {
      const err = await refused(what, fn);
      assert.equal(err.code, ErrorCode.KubernetesForbidden, `${what}: ${err.code} ${err.userMessage}`);
      assert.equal((err.details as { status?: number }).status, 403, what);
      assert.match(err.userMessage, /denied permission/);
    }
  });
});
