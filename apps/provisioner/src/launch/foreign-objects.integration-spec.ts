import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { listClusterObjects, type KubeClients } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { createTestDatabase, type TestDatabase } from '@skyport/dev-stack';
import { runMigrations } from '@skyport/persistence';
import { DataSource } from 'typeorm';
import { parseTaskYaml } from '@skyport/task-spec';
import type { ClusterSpec } from '../pods/cluster-objects.builder';
import { guardTask } from '../provision/task-guard';
import { PSA_ENFORCE, secureTeamNamespace } from '../provision/team-namespace';
import { launchCluster } from './kube-launcher';

const target = testKubeTarget();

/** Issue 15 item 3 (objects are created only if absent or this cluster's) and item 2's defence in depth. */
describe('the provisioner never replaces another\'s object and re-checks the policy (local Kubernetes, real Postgres)', { skip: target ? false : 'no local cluster (run through npm test)' }, () => {
  let clients: KubeClients;
  let ns: { name: string; drop: () => Promise<void> };
  let db: TestDatabase;
  let ds: DataSource;
  const spec = (name: string, numNodes = 1): ClusterSpec => ({
    clusterName: name,
    namespace: ns.name,
    numNodes,
    user: 'it',
    cpus: 0.1,
    memoryGb: 0.1,
    labels: {},
    podConfigLayers: [],
    imagePullSecrets: [],
    ports: [],
    portsMode: 'loadbalancer',
  });
  const foreign = (e: unknown, kind: string, name: string) =>
    e instanceof SkyportError && e.code === ErrorCode.Conflict && e.details?.reason === 'foreign-object' && e.userMessage.includes(`a ${kind} named '${name}' already exists`);

  before(async () => {
    clients = testProvider(target!).forContext(target!.context);
    ns = await createTestNamespace(clients, 'prov-foreign');
    db = await createTestDatabase('prov_guard');
    await runMigrations(db.url);
    ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
  });
  after(async () => {
    await ds?.destroy();
    await db?.drop();
    await ns?.drop();
  });

  test("a foreign Secret '<name>-secrets' is refused, left as it was, and the attempt leaves nothing of its own", async () => {
    await clients.core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'fs-secrets', labels: { owner: 'other-team' } }, stringData: { TOKEN: 'theirs' } } });
    await assert.rejects(launchCluster({ clients, spec: spec('fs'), secrets: { TOKEN: 'mine' }, timeoutSeconds: 20, ask: {} }), (e) => foreign(e, 'secret', 'fs-secrets'));
    const kept = await clients.core.readNamespacedSecret({ name: 'fs-secrets', namespace: ns.name });
    assert.equal(Buffer.from(kept.data?.TOKEN ?? '', 'base64').toString(), 'theirs');
    assert.deepEqual(kept.metadata?.labels, { owner: 'other-team' });
    assert.deepEqual(await listClusterObjects(clients, ns.name, 'fs'), { pod: [], service: [], ingress: [], secret: [], persistentvolumeclaim: [], configmap: [] });
  });

  test("a foreign Service and a foreign Pod with the cluster's names are refused, not adopted; another Skyport cluster's is foreign too", async () => {
    await clients.core.createNamespacedService({ namespace: ns.name, body: { metadata: { name: 'fsvc' }, spec: { clusterIP: 'None', selector: { app: 'x' } } } });
    // Two nodes: a single-node cluster has no headless Service to collide with.
    await assert.rejects(launchCluster({ clients, spec: spec('fsvc', 2), secrets: {}, timeoutSeconds: 20, ask: {} }), (e) => foreign(e, 'service', 'fsvc'));
    const svc = await clients.core.readNamespacedService({ name: 'fsvc', namespace: ns.name });
    assert.deepEqual(svc.spec?.selector, { app: 'x' });
    assert.deepEqual((await listClusterObjects(clients, ns.name, 'fsvc')).pod, []);

    // A pod labelled for another cluster ('other') under this cluster's pod name.
    await clients.core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'fpod-head', labels: { 'skyport.dev/cluster': 'other', 'app.kubernetes.io/managed-by': 'skyport' } },
        spec: { containers: [{ name: 'c', image: 'docker.io/library/debian:bookworm-slim', command: ['sleep', 'infinity'] }] },
      },
    });
    await assert.rejects(launchCluster({ clients, spec: spec('fpod'), secrets: {}, timeoutSeconds: 20, ask: {} }), (e) => foreign(e, 'pod', 'fpod-head') && /belongs to cluster 'other'/.test((e as SkyportError).userMessage));
    const pod = await clients.core.readNamespacedPod({ name: 'fpod-head', namespace: ns.name });
    assert.equal(pod.metadata?.labels?.['skyport.dev/cluster'], 'other');
    assert.equal(pod.metadata?.deletionTimestamp, undefined);
  });

  test('a hand-made request with a privileged pod_config is refused before any Kubernetes call; an admin owner is trusted', async () => {
    const task = parseTaskYaml('run: x\nconfig:\n  kubernetes:\n    pod_config:\n      spec:\n        hostPID: true\n        containers:\n          - securityContext:\n              privileged: true\n').tasks[0];
    await assert.rejects(guardTask(ds, {}, { owner: 'someone', payload: {} }, task), (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.Forbidden && e.details?.reason === 'POLICY_DENIED' && /policy\.allow_privileged/.test(e.userMessage));
    await ds.query(`INSERT INTO teams (name) VALUES ('ops')`);
    const ids: Array<{ id: string; name: string }> = await ds.query(
      `INSERT INTO users (id, name, role, kind, team) VALUES (gen_random_uuid(), 'root', 'admin', 'user', 'ops'), (gen_random_uuid(), 'ann', 'user', 'user', 'ops') RETURNING id, name`,
    );
    const idOf = (name: string) => ids.find((u) => u.name === name)!.id;
    await assert.rejects(guardTask(ds, {}, { owner: idOf('ann'), payload: {} }, task), /policy\.allow_privileged/);
    const policy = await guardTask(ds, {}, { owner: idOf('root'), payload: {} }, task);
    assert.equal(policy.automount_service_account_token, false);
    // The team's policy (admin API) lets that team through.
    await ds.query(`INSERT INTO team_policies (team, policy) VALUES ('ops', '{"allow_privileged": true, "allow_host_namespaces": true}')`);
    await guardTask(ds, {}, { owner: idOf('ann'), payload: {} }, task);
  });

  test('a team namespace gets the Pod Security Admission label (created when missing; an admin\'s own label is kept)', async () => {
    const payload = { placement: { team: 'ops', namespaces: [{ context: target!.context, namespace: ns.name }] } };
    await secureTeamNamespace(clients, ns.name, payload, 'baseline');
    assert.equal((await clients.core.readNamespace({ name: ns.name })).metadata?.labels?.[PSA_ENFORCE], 'baseline');
    await secureTeamNamespace(clients, ns.name, payload, 'restricted');
    assert.equal((await clients.core.readNamespace({ name: ns.name })).metadata?.labels?.[PSA_ENFORCE], 'baseline');
    const fresh = `${ns.name}-team`;
    try {
      await secureTeamNamespace(clients, fresh, { placement: { team: 'ops', namespaces: [{ context: target!.context, namespace: fresh }] } }, 'restricted');
      const created = await clients.core.readNamespace({ name: fresh });
      assert.equal(created.metadata?.labels?.[PSA_ENFORCE], 'restricted');
      assert.equal(created.metadata?.labels?.['skyport.dev/team'], 'ops');
    } finally {
      await clients.core.deleteNamespace({ name: fresh }).catch(() => undefined);
    }
    // Without a team placement the namespace is not Skyport's to label.
    await secureTeamNamespace(clients, 'default', {}, 'restricted');
    assert.equal((await clients.core.readNamespace({ name: 'default' })).metadata?.labels?.[PSA_ENFORCE], undefined);
  });
});
