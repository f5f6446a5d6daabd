import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { AppsV1Api, BatchV1Api, PolicyV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { KubeClients } from '@skyport/kube';
import { CHART_DIR, VALUE_SETS, renderChart, valuesFile } from './support/chart';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, ensureTools, helm, run } from './support/tools';
import { adminClients, createNamespace, deleteNamespace, deleteObjects, serverSideApply, testCluster, uniqueName } from './support/cluster';

/** The chart as installs made before issue 17 have it (the upgrade path an existing install takes). */
const PREVIOUS_CHART_COMMIT = 'bb5e796';

const clusterScoped = (objects: KubernetesObject[]) => objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding');

describe('Helm chart on a real kube-apiserver (server-side dry-run, then a real apply)', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  let admin: KubeClients;
  const namespaces: string[] = [];
  const cleanup: KubernetesObject[] = [];

  before(async () => {
    admin = adminClients();
  });

  after(async () => {
    if (!admin) return;
    await deleteObjects(admin, cleanup);
    for (const ns of namespaces) await deleteNamespace(admin, ns);
  });

  // `full` has cloud bursting on: the key Secret volumes, their mounts and the credentials' envFrom are checked too.
  it('every rendered object of every example value set passes server-side dry-run (schema, defaults, admission)', async () => {
    for (const set of VALUE_SETS) {
      const ns = uniqueName(`sp-dry-${set}`);
      namespaces.push(ns);
      await createNamespace(admin, ns);
      // The full example's task namespaces are the user's to create: make unique ones for this run.
      const taskNamespaces = set === 'full' ? [uniqueName('sp-tasks'), uniqueName('sp-batch')] : [];
      for (const t of taskNamespaces) {
        namespaces.push(t);
        await createNamespace(admin, t);
      }
      const objects = renderChart({ namespace: ns, valueSets: [set], set: taskNamespaces.length ? [`rbac.taskNamespaces={${taskNamespaces.join(',')}}`] : [] });
      const { applied, failures } = await serverSideApply(admin, objects, { dryRun: true });
      assert.deepEqual(failures, [], `${set}: the API server rejected:\n${failures.map((f) => `${f.object} (${f.status}): ${f.message}`).join('\n')}`);
      assert.equal(applied.length, objects.length);
      // Nothing was stored.
      const deployments = await admin.kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: ns });
      assert.equal(deployments.items.length, 0, 'dry-run stored nothing');
    }
  });

  it('the dry-run is strict: an unknown field or an invalid value is rejected by the API server', async () => {
    const ns = uniqueName('sp-strict');
    namespaces.push(ns);
    await createNamespace(admin, ns);
    const objects = renderChart({ namespace: ns, valueSets: ['external'] });
    const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment')!) as unknown as KubernetesObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    deployment.spec.template.spec.containers[0]!.bogusField = true;
    const pdb = structuredClone(objects.find((o) => o.kind === 'PodDisruptionBudget')!) as unknown as KubernetesObject & { spec: Record<string, unknown> };
    pdb.spec.minAvailable = 1; // with maxUnavailable too: invalid
    const { failures } = await serverSideApply(admin, [deployment, pdb], { dryRun: true });
    assert.equal(failures.length, 2, JSON.stringify(failures));
    assert.match(failures.find((f) => f.object.startsWith('Deployment'))!.message, /bogusField/);
    assert.match(failures.find((f) => f.object.startsWith('PodDisruptionBudget'))!.message, /minAvailable|maxUnavailable/);
  });

  it('helm install / upgrade / uninstall work against the API server; generated trial passwords and gRPC certificates survive an upgrade', async () => {
    const ns = uniqueName('sp-helm');
    namespaces.push(ns);
    await createNamespace(admin, ns);
    const { kubeconfig, context } = testCluster();
    // Hooks off: the migration Job's pod would never finish here (KWOK runs no images), so Helm would wait on it.
    const common = ['--namespace', ns, '--kubeconfig', kubeconfig, ...(context ? ['--kube-context', context] : []), '--no-hooks'];
    // A team's task namespace the chart creates beside the release namespace.
    const team = uniqueName('sp-team');
    namespaces.push(team);
    const values = ['-f', valuesFile('trial'), '--set', `rbac.taskNamespaces={${ns},${team}}`, '--set', 'rbac.createTaskNamespaces=true'];
    const install = helm(['install', 'skyport', CHART_DIR, ...values, ...common]);
    assert.equal(install.status, 0, install.stderr);
    assert.match(install.stdout, /STATUS: deployed/);
    const teamLabel = async () => (await admin.core.readNamespace({ name: team })).metadata?.labels?.['pod-security.kubernetes.io/enforce'];
    assert.equal(await teamLabel(), 'baseline', 'the chart made the team namespace with its Pod Security label');
    cleanup.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `skyport-${ns}` } });
    cleanup.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `skyport-${ns}` } });
    const password = async () => (await admin.core.readNamespacedSecret({ name: 'skyport', namespace: ns })).data?.['postgres-password'];
    const before = await password();
    assert.ok(before);
    const grpcCa = async () => (await admin.core.readNamespacedSecret({ name: 'skyport-grpc-logs', namespace: ns })).data?.['ca.crt'];
    const caBefore = await grpcCa();
    assert.ok(caBefore, 'the chart made the gRPC certificates');
    const adminToken = async () => (await admin.core.readNamespacedSecret({ name: 'skyport-admin-token', namespace: ns })).data?.token;
    const tokenBefore = await adminToken();
    assert.ok(tokenBefore, 'the chart made the bootstrap admin token');

    const upgrade = helm(['upgrade', 'skyport', CHART_DIR, ...values, '--set', 'api.replicas=3', ...common]);
    assert.equal(upgrade.status, 0, upgrade.stderr);
    assert.equal(await password(), before, 'the generated password is kept (lookup of the existing Secret)');
    assert.equal(await grpcCa(), caBefore, 'the gRPC CA and certificates are kept on upgrade (lookup)');
    assert.equal(await adminToken(), tokenBefore, 'the bootstrap admin token is kept on upgrade (lookup)');
    const api = await admin.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'skyport-api', namespace: ns });
    assert.equal(api.spec?.replicas, 3);

    const uninstall = helm(['uninstall', 'skyport', ...common, '--wait', '--timeout', '120s']);
    assert.equal(uninstall.status, 0, uninstall.stderr);
    const rbac = admin.kc.makeApiClient(RbacAuthorizationV1Api);
    await assert.rejects(rbac.readClusterRole({ name: `skyport-${ns}` }), 'the ClusterRole goes with the release');
    const deployments = await admin.kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: ns });
    assert.equal(deployments.items.length, 0);
    assert.equal(await adminToken(), tokenBefore, 'uninstall keeps the token (helm.sh/resource-policy: keep)');
    assert.equal(await teamLabel(), 'baseline', 'uninstall keeps the team namespace (helm.sh/resource-policy: keep)');
    assert.equal((await admin.core.readNamespace({ name: team })).status?.phase, 'Active');
    // A new install of the release adopts the kept namespace instead of failing on it.
    const again = helm(['install', 'skyport', CHART_DIR, ...values, '--set', 'rbac.podSecurityEnforce=restricted', ...common]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(await teamLabel(), 'restricted');
    const last = helm(['uninstall', 'skyport', ...common, '--wait', '--timeout', '120s']);
    assert.equal(last.status, 0, last.stderr);
  });

  it('helm upgrade from the previous chart (before issue 17) keeps the generated secrets and adds the new objects', async (t) => {
    const previous = mkdtempSync(join(tmpdir(), 'skyport-previous-chart-'));
    try {
      const archive = run('sh', ['-c', `git archive ${PREVIOUS_CHART_COMMIT} deploy/helm/skyport | tar -x -C "$1"`, 'sh', previous]);
      if (archive.status !== 0) {
        t.skip(`the previous chart (commit ${PREVIOUS_CHART_COMMIT}) is not in this checkout's history: ${archive.stderr.trim()}`);
        return;
      }
      const ns = uniqueName('sp-upgrade');
      namespaces.push(ns);
      await createNamespace(admin, ns);
      const { kubeconfig, context } = testCluster();
      const common = ['--namespace', ns, '--kubeconfig', kubeconfig, ...(context ? ['--kube-context', context] : []), '--no-hooks'];
      const values = ['-f', valuesFile('trial')];
      const install = helm(['install', 'skyport', join(previous, 'deploy', 'helm', 'skyport'), ...values, ...common]);
      assert.equal(install.status, 0, install.stderr);
      cleanup.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `skyport-${ns}` } });
      cleanup.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `skyport-${ns}` } });
      const secretData = async (name: string) => (await admin.core.readNamespacedSecret({ name, namespace: ns })).data;
      const before = { release: await secretData('skyport'), key: await secretData('skyport-secrets-key'), grpc: await secretData('skyport-grpc-api') };

      const upgrade = helm(['upgrade', 'skyport', CHART_DIR, ...values, ...common]);
      assert.equal(upgrade.status, 0, upgrade.stderr);
      assert.deepEqual(await secretData('skyport'), before.release, 'database and Redis passwords kept');
      assert.deepEqual(await secretData('skyport-secrets-key'), before.key, 'the task-secrets key kept');
      assert.deepEqual(await secretData('skyport-grpc-api'), before.grpc, 'the gRPC certificates kept');
      assert.match(Buffer.from((await secretData('skyport-admin-token'))?.token ?? '', 'base64').toString(), /^skp_/, 'the admin token Secret is added');
      const pvc = await admin.core.readNamespacedPersistentVolumeClaim({ name: 'skyport-redis', namespace: ns });
      assert.equal(pvc.spec?.resources?.requests?.storage, '1Gi', 'the trial Redis gets its volume');
      const api = await admin.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'skyport-api', namespace: ns });
      assert.equal(api.spec?.template.spec?.serviceAccountName, 'skyport-api', 'the api moves to its own ServiceAccount');
      const uninstall = helm(['uninstall', 'skyport', ...common, '--wait', '--timeout', '120s']);
      assert.equal(uninstall.status, 0, uninstall.stderr);
    } finally {
      rmSync(previous, { recursive: true, force: true });
    }
  });

  it('a real apply creates the Deployments, PDBs, Services and RBAC objects as rendered', async () => {
    const ns = uniqueName('sp-apply');
    namespaces.push(ns);
    await createNamespace(admin, ns);
    const objects = renderChart({ namespace: ns, valueSets: ['external'] });
    cleanup.push(...clusterScoped(objects));
    const { failures } = await serverSideApply(admin, objects, { dryRun: false });
    assert.deepEqual(failures, [], failures.map((f) => `${f.object}: ${f.message}`).join('\n'));

    const apps = admin.kc.makeApiClient(AppsV1Api);
    const deployments = await apps.listNamespacedDeployment({ namespace: ns });
    assert.deepEqual(deployments.items.map((d) => d.metadata?.name).sort(), ['skyport-api', 'skyport-autodown', 'skyport-logs', 'skyport-optimizer', 'skyport-provisioner']);
    const api = deployments.items.find((d) => d.metadata?.name === 'skyport-api')!;
    assert.equal(api.spec?.replicas, 2);
    assert.equal(api.spec?.template.spec?.containers[0]?.securityContext?.readOnlyRootFilesystem, true);

    const pdbs = await admin.kc.makeApiClient(PolicyV1Api).listNamespacedPodDisruptionBudget({ namespace: ns });
    assert.equal(pdbs.items.length, 5);
    const services = await admin.core.listNamespacedService({ namespace: ns });
    assert.deepEqual(services.items.map((s) => s.metadata?.name).sort(), ['skyport-api', 'skyport-logs', 'skyport-optimizer', 'skyport-provisioner']);
    const sa = await admin.core.readNamespacedServiceAccount({ name: 'skyport', namespace: ns });
    assert.equal(sa.automountServiceAccountToken, false);

    const rbac = admin.kc.makeApiClient(RbacAuthorizationV1Api);
    const role = await rbac.readNamespacedRole({ name: 'skyport', namespace: ns });
    assert.ok(role.rules?.some((r) => r.resources?.includes('pods/exec')));
    const binding = await rbac.readNamespacedRoleBinding({ name: 'skyport', namespace: ns });
    assert.equal(binding.subjects?.[0]?.name, 'skyport');
    const clusterRole = await rbac.readClusterRole({ name: `skyport-${ns}` });
    assert.deepEqual(clusterRole.rules?.map((r) => [r.resources, r.verbs]), [[['nodes'], ['get', 'list', 'watch']], [['pods'], ['get', 'list', 'watch']]]);
    const clusterBinding = await rbac.readClusterRoleBinding({ name: `skyport-${ns}` });
    assert.deepEqual(clusterBinding.subjects?.map((s) => `${s.namespace}/${s.name}`), [`${ns}/skyport`]);

    // The hook Job exists too (the chart's objects, hooks included, are all valid to apply).
    const jobs = await admin.kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: ns });
    assert.deepEqual(jobs.items.map((j) => j.metadata?.name), ['skyport-migrate']);

    // Applying again is a no-op apply, not a conflict (what `helm upgrade` relies on).
    const again = await serverSideApply(admin, objects, { dryRun: false });
    assert.deepEqual(again.failures, []);
  });
});
