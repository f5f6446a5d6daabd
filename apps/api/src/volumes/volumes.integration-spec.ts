import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_LABELS } from '@skyport/contracts';
import { freePort, startService, type RunningService } from '@skyport/dev-stack';
import { type KubeClients } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { eventually, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

// Volumes end to end: the api (records, team scope, quota), the provisioner (the claim, over gRPC) and the optimizer
// (a launch that mounts the volume), as processes, on the local control plane. KWOK nodes have no storage
// provisioner, so the test makes the PersistentVolume the claim binds to (pre-bound with claimRef, class "").
const target = testKubeTarget();
const hasStack = Boolean(target && process.env.SKYPORT_TEST_DATABASE_URL && process.env.SKYPORT_TEST_REDIS_URL);

describe('volumes: apply, mount, ls, delete (api + provisioner + optimizer processes, local cluster)', { skip: hasStack ? false : 'needs the local stack (npm test)' }, () => {
  let t: ApiUnderTest;
  let clients: KubeClients;
  let context: string;
  let ann: string;
  let bob: string;
  const services: RunningService[] = [];
  const namespaces: Array<{ name: string; drop: () => Promise<void> }> = [];
  const suffix = randomBytes(3).toString('hex');
  const volume = `data-${suffix}`;
  const cluster = `vol-${suffix}`;
  const pv = `skyport-it-${volume}`;
  const scratchCluster = `eph-${suffix}`;
  const scratchPv = `skyport-it-${scratchCluster}`;
  const nsA = () => namespaces[0]!.name;

  const mountTask = (extra = '') => `resources:\n  cpus: 0.5\n  memory: 1\n${extra}volumes:\n  /mnt/data: ${volume}\nrun: ls /mnt/data\n`;
  const output = () => services.map((s) => s.output()).join('\n').slice(-4000);

  before(async () => {
    context = target!.context;
    clients = testProvider(target!).forContext(context);
    for (const label of ['vol-a', 'vol-b']) namespaces.push(await createTestNamespace(clients, label));
    const configFile = join(mkdtempSync(join(tmpdir(), 'skyport-volumes-')), 'config.yaml');
    writeFileSync(configFile, `allowed_clouds: [aws]\nkubernetes:\n  allowed_contexts: [${context}]\n  provision_timeout: 60\n`);
    const grpc = { SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`, SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${await freePort()}` };
    t = await startApiUnderTest('api_volumes', { ...grpc, SKYPORT_CONFIG: configFile });
    const common = { SKYPORT_DATABASE_URL: t.dbUrl, SKYPORT_REDIS_URL: t.redisUrl, SKYPORT_LOG_LEVEL: 'warn', SKYPORT_CONFIG: configFile, ...grpc };
    services.push(await startService('provisioner', { ...common, KUBECONFIG: target!.kubeconfig }, 90_000));
    services.push(await startService('optimizer', { ...common, SKYPORT_ENABLED_CLOUDS: '' }, 90_000));
    ann = (await t.userIn('va', 'ann')).token;
    bob = (await t.userIn('vb', 'bob')).token;
    for (const [team, ns] of [['va', namespaces[0]!.name], ['vb', namespaces[1]!.name]]) {
      const res = await t.call('PUT', `/v1/teams/${team}/namespaces`, { body: { namespaces: [{ context, namespace: ns }] } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    await clients.core.createPersistentVolume({
      body: {
        metadata: { name: pv, labels: { 'skyport.dev/test': 'true' } },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: '/tmp' }, claimRef: { namespace: nsA(), name: volume } },
      },
    });
  });

  after(async () => {
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    for (const name of [pv, scratchPv]) await clients?.core.deletePersistentVolume({ name }).catch(() => undefined);
    for (const ns of namespaces) await ns.drop().catch(() => undefined);
    await t?.stop();
  });

  it("applies a volume: a labelled claim in the team's namespace, which the reaper's selector does not match; applying again is harmless", async () => {
    const res = await t.call('POST', '/v1/volumes', { token: ann, body: { name: volume, type: 'k8s-pvc', infra: `kubernetes/${context}`, size: '1Gi', config: { access_mode: 'ReadWriteOnce' } } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.namespace, nsA());
    assert.equal(res.body.infra, `kubernetes/${context}`);
    assert.equal(res.body.size, '1Gi');
    assert.equal(res.body.team, 'va');
    const claim = await clients.core.readNamespacedPersistentVolumeClaim({ name: volume, namespace: nsA() });
    assert.equal(claim.metadata?.labels?.[NODE_LABELS.managedBy], NODE_LABELS.managedByValue);
    assert.equal(claim.metadata?.labels?.['skyport.dev/volume'], volume);
    assert.equal(claim.metadata?.labels?.['skyport.dev/team'], 'va');
    assert.equal(claim.metadata?.labels?.[NODE_LABELS.cluster], undefined, 'no cluster label: teardown and the orphan reaper select by it');
    const listed = await clients.core.listNamespacedPersistentVolumeClaim({ namespace: nsA(), labelSelector: `${NODE_LABELS.managedBy}=${NODE_LABELS.managedByValue},skyport.dev/volume` });
    assert.deepEqual(listed.items.map((c) => c.metadata?.name), [volume]);
    const reaperView = await clients.core.listNamespacedPersistentVolumeClaim({ namespace: nsA(), labelSelector: `${NODE_LABELS.managedBy}=${NODE_LABELS.managedByValue},${NODE_LABELS.cluster}` });
    assert.deepEqual(reaperView.items, []);
    const again = await t.call('POST', '/v1/volumes', { token: ann, body: { name: volume, type: 'k8s-pvc', infra: 'k8s', size: 1 } });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const changed = await t.call('POST', '/v1/volumes', { token: ann, body: { name: volume, size: '2Gi' } });
    assert.equal(changed.status, 409);
    assert.match(changed.body.message, /exists with other settings \(size 1Gi → 2Gi\)/);
    await eventually(async () => (await clients.core.readNamespacedPersistentVolumeClaim({ name: volume, namespace: nsA() })).status?.phase === 'Bound', 30_000, 'the claim to bind');
  });

  it('refuses what is not a volume Skyport can make, and what goes past the storage quota, creating nothing', async () => {
    const runpod = await t.call('POST', '/v1/volumes', { token: ann, body: { name: 'rp', type: 'runpod-network-volume', size: 10 } });
    assert.equal(runpod.status, 400);
    assert.match(runpod.body.message, /only 'k8s-pvc'/);
    const badName = await t.call('POST', '/v1/volumes', { token: ann, body: { name: 'Big_Data', size: 10 } });
    assert.equal(badName.status, 400);
    assert.match(badName.body.message, /not a valid Kubernetes name/);
    const foreignNs = await t.call('POST', '/v1/volumes', { token: ann, body: { name: `x-${suffix}`, size: 1, config: { namespace: namespaces[1]!.name } } });
    assert.equal(foreignNs.status, 403, JSON.stringify(foreignNs.body));
    assert.match(foreignNs.body.message, /may not put a volume in namespace/);
    assert.equal((await t.call('PUT', '/v1/teams/va/quota', { body: { maxStorageGb: 3 } })).status, 200);
    const team = await t.call('GET', '/v1/teams/va');
    assert.equal(team.body.quota.maxStorageGb, 3);
    const big = await t.call('POST', '/v1/volumes', { token: ann, body: { name: `big-${suffix}`, size: '5Gi' } });
    assert.equal(big.status, 409);
    assert.equal(big.body.details.reason, 'QUOTA_EXCEEDED');
    assert.match(big.body.message, /storage: 1 GiB in volumes \+ 5 GiB asked > 3 GiB allowed/);
    assert.equal((await t.call('PUT', '/v1/teams/va/quota', { body: {} })).status, 200);
    const claims = await clients.core.listNamespacedPersistentVolumeClaim({ namespace: nsA() });
    assert.deepEqual(claims.items.map((c) => c.metadata?.name), [volume]);
    assert.equal((await clients.core.listNamespacedPersistentVolumeClaim({ namespace: namespaces[1]!.name })).items.length, 0);
  });

  it('another team neither sees, deletes, takes nor mounts it', async () => {
    assert.deepEqual((await t.call('GET', '/v1/volumes', { token: bob })).body.items, []);
    assert.equal((await t.call('GET', `/v1/volumes/${volume}`, { token: bob })).status, 404);
    assert.equal((await t.call('DELETE', `/v1/volumes/${volume}`, { token: bob })).status, 404);
    const taken = await t.call('POST', '/v1/volumes', { token: bob, body: { name: volume, size: 1 } });
    assert.equal(taken.status, 409);
    assert.match(taken.body.message, /in use by another team/);
    const mount = await t.call('POST', `/v1/clusters/bob-${suffix}/launch`, { token: bob, body: { task: mountTask() } });
    assert.equal(mount.status, 403, JSON.stringify(mount.body));
    assert.match(mount.body.message, /belongs to another team/);
    await clients.core.readNamespacedPersistentVolumeClaim({ name: volume, namespace: nsA() });
  });

  it('use_existing records a claim already there and never deletes it', async () => {
    const name = `old-${suffix}`;
    await clients.core.createNamespacedPersistentVolumeClaim({
      namespace: nsA(),
      body: { metadata: { name }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '3Gi' } } } },
    });
    const missing = await t.call('POST', '/v1/volumes', { token: ann, body: { name: `none-${suffix}`, type: 'k8s-pvc', use_existing: true } });
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /use_existing: there is no PersistentVolumeClaim/);
    const recorded = await t.call('POST', '/v1/volumes', { token: ann, body: { name, type: 'k8s-pvc', infra: 'k8s', use_existing: true } });
    assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    assert.equal(recorded.body.useExisting, true);
    assert.equal(recorded.body.size, '3Gi');
    assert.equal(recorded.body.accessMode, 'ReadWriteMany');
    assert.equal((await t.call('DELETE', `/v1/volumes/${name}`, { token: ann })).status, 200);
    const still = await clients.core.readNamespacedPersistentVolumeClaim({ name, namespace: nsA() });
    assert.equal(still.metadata?.deletionTimestamp, undefined, 'an existing claim is only forgotten');
    await clients.core.deleteNamespacedPersistentVolumeClaim({ name, namespace: nsA() });
  });

  it('a launch elsewhere than the volume is refused, naming where the volume is', async () => {
    const res = await t.call('POST', `/v1/clusters/far-${suffix}/launch`, { token: ann, body: { task: mountTask('  infra: kubernetes/some-other-context\n') } });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.code, 'INVALID_TASK');
    assert.equal(res.body.message, `volume '${volume}' is in kubernetes/${context}, namespace ${nsA()}, but the task asks for context 'some-other-context': use infra: kubernetes/${context}`);
  });

  it('a cluster mounts it; ls names the cluster; delete is refused while it runs and works after down', async () => {
    const launch = await t.call('POST', `/v1/clusters/${cluster}/launch`, { token: ann, body: { task: mountTask() } });
    assert.equal(launch.status, 202, JSON.stringify(launch.body));
    await eventually(
      async () => {
        const c = await t.call('GET', `/v1/clusters/${cluster}`, { token: ann });
        if (c.body.status === 'FAILED') throw new Error(`launch failed: ${JSON.stringify(c.body)}\n${output()}`);
        return c.body.status === 'UP';
      },
      120_000,
      'the cluster to come up',
    );
    const pod = await clients.core.readNamespacedPod({ name: `${cluster}-head`, namespace: nsA() });
    const podVolume = pod.spec?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === volume);
    assert.ok(podVolume, JSON.stringify(pod.spec?.volumes));
    const mount = pod.spec?.containers[0]?.volumeMounts?.find((m) => m.name === podVolume.name);
    assert.equal(mount?.mountPath, '/mnt/data');

    const ls = await t.call('GET', '/v1/volumes', { token: ann });
    assert.deepEqual(ls.body.items.map((v: { name: string; usedBy: string[] }) => [v.name, v.usedBy]), [[volume, [cluster]]]);
    const refused = await t.call('DELETE', `/v1/volumes/${volume}`, { token: ann });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.details.reason, 'volume-in-use');
    assert.match(refused.body.message, new RegExp(`in use by cluster '${cluster}'; take it down first`));

    assert.equal((await t.call('POST', `/v1/clusters/${cluster}/down`, { token: ann })).status, 202);
    await eventually(async () => (await t.call('GET', `/v1/clusters/${cluster}`, { token: ann })).body.status === 'TERMINATED', 60_000, 'the cluster to end');
    // Teardown leaves the volume's claim (it carries no cluster label).
    await clients.core.readNamespacedPersistentVolumeClaim({ name: volume, namespace: nsA() });
    assert.deepEqual((await t.call('GET', `/v1/volumes/${volume}`, { token: ann })).body.usedBy, []);
    const deleted = await t.call('DELETE', `/v1/volumes/${volume}`, { token: ann });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    await eventually(
      () => clients.core.readNamespacedPersistentVolumeClaim({ name: volume, namespace: nsA() }).then(() => false, (err: { code?: number }) => err.code === 404),
      30_000,
      'the claim to be gone',
    );
    assert.deepEqual((await t.call('GET', '/v1/volumes', { token: ann })).body.items, []);
  });

  it('an ephemeral volume ({size: ...} in the task) is made with the cluster, mounted, and deleted at down', async () => {
    const claimName = `${scratchCluster}-vol-0`;
    await clients.core.createPersistentVolume({
      body: {
        metadata: { name: scratchPv, labels: { 'skyport.dev/test': 'true' } },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: '/tmp' }, claimRef: { namespace: nsA(), name: claimName } },
      },
    });
    const task = 'resources:\n  cpus: 0.5\n  memory: 1\nvolumes:\n  /scratch:\n    size: 1Gi\nrun: df /scratch\n';
    const launch = await t.call('POST', `/v1/clusters/${scratchCluster}/launch`, { token: ann, body: { task } });
    assert.equal(launch.status, 202, JSON.stringify(launch.body));
    await eventually(
      async () => {
        const c = await t.call('GET', `/v1/clusters/${scratchCluster}`, { token: ann });
        if (c.body.status === 'FAILED') throw new Error(`launch failed: ${JSON.stringify(c.body)}\n${output()}`);
        return c.body.status === 'UP';
      },
      120_000,
      'the cluster with an ephemeral volume to come up',
    );
    const claim = await clients.core.readNamespacedPersistentVolumeClaim({ name: claimName, namespace: nsA() });
    assert.equal(claim.metadata?.labels?.[NODE_LABELS.cluster], scratchCluster);
    assert.equal(claim.metadata?.labels?.['skyport.dev/created-volume'], 'true');
    assert.equal(claim.spec?.resources?.requests?.storage, '1Gi');
    const pod = await clients.core.readNamespacedPod({ name: `${scratchCluster}-head`, namespace: nsA() });
    const podVolume = pod.spec?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === claimName);
    assert.equal(pod.spec?.containers[0]?.volumeMounts?.find((m) => m.name === podVolume?.name)?.mountPath, '/scratch');
    // Listed as SkyPilot lists them: ephemeral, used by its cluster; another team does not see it.
    const listed = (await t.call('GET', '/v1/volumes', { token: ann })).body.items.find((v: { name: string }) => v.name === claimName);
    assert.deepEqual([listed?.ephemeral, listed?.usedBy, listed?.namespace, listed?.size, listed?.team], [true, [scratchCluster], nsA(), '1Gi', 'va']);
    assert.deepEqual((await t.call('GET', '/v1/volumes', { token: bob })).body.items, []);
    const ephemeralDelete = await t.call('DELETE', `/v1/volumes/${claimName}`, { token: ann });
    assert.equal(ephemeralDelete.status, 409);
    assert.match(ephemeralDelete.body.message, new RegExp(`is an ephemeral volume of cluster '${scratchCluster}': it is deleted with the cluster`));

    assert.equal((await t.call('POST', `/v1/clusters/${scratchCluster}/down`, { token: ann })).status, 202);
    await eventually(async () => (await t.call('GET', `/v1/clusters/${scratchCluster}`, { token: ann })).body.status === 'TERMINATED', 60_000, 'the cluster to end');
    await eventually(
      () => clients.core.readNamespacedPersistentVolumeClaim({ name: claimName, namespace: nsA() }).then(() => false, (err: { code?: number }) => err.code === 404),
      30_000,
      'the ephemeral claim to be gone',
    );
    assert.deepEqual((await t.call('GET', '/v1/volumes', { token: ann })).body.items, []);
  });
});
