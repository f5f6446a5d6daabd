import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { startKubeCluster } from '@skyport/dev-stack';
import { KubeClientProvider, kubeStatusCode, type KubeClients } from '@skyport/kube';

/**
 * The local control plane the deploy tests use: the one the test harness exported (SKYPORT_TEST_KUBECONFIG,
 * SKYPORT_TEST_KUBE_CONTEXT), else a `deploy` cluster started (idempotently) with test/cluster/cluster.sh.
 */
export function testCluster(): { kubeconfig: string; context: string } {
  const kubeconfig = process.env.SKYPORT_TEST_KUBECONFIG;
  if (kubeconfig) return { kubeconfig, context: process.env.SKYPORT_TEST_KUBE_CONTEXT ?? '' };
  return startKubeCluster({ name: 'deploy', layout: 'small' });
}

/** Admin clients for the test cluster (the kubeconfig's own credentials). */
export function adminClients(): KubeClients {
  const { kubeconfig, context } = testCluster();
  const provider = KubeClientProvider.fromSource({ paths: [kubeconfig] });
  return provider.forContext(context || undefined);
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export async function createNamespace(admin: KubeClients, name: string): Promise<void> {
  await admin.core.createNamespace({ body: { metadata: { name, labels: { 'skyport.dev/test': 'deploy' } } } });
}

export async function deleteNamespace(admin: KubeClients, name: string): Promise<void> {
  try {
    await admin.core.deleteNamespace({ name });
  } catch (err) {
    if (kubeStatusCode(err) !== 404) throw err;
  }
}

// Cluster-scoped and namespace-like objects first, so that what follows can refer to them.
const APPLY_ORDER = ['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'PersistentVolumeClaim', 'Service'];
const rank = (kind: string): number => {
  const i = APPLY_ORDER.indexOf(kind);
  return i === -1 ? APPLY_ORDER.length : i;
};

/**
 * Server-side apply that sends the object exactly as rendered, with fieldValidation=Strict.
 * (KubernetesObjectApi.patch re-serializes through client-node's typed models, which silently drops fields
 * they do not know, so a typo in the chart would never reach the API server.)
 */
class StrictApplyApi extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig): StrictApplyApi {
    const api = kc.makeApiClient(StrictApplyApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  async apply(spec: KubernetesObject, dryRun: boolean): Promise<KubernetesObject> {
    const path = await this.specUriPath(structuredClone(spec), 'patch');
    const ctx = this.configuration.baseServer.makeRequestContext(path, 'PATCH' as Parameters<typeof this.configuration.baseServer.makeRequestContext>[1]);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    if (dryRun) ctx.setQueryParam('dryRun', 'All');
    ctx.setQueryParam('fieldManager', 'skyport-deploy-tests');
    ctx.setQueryParam('fieldValidation', 'Strict');
    ctx.setQueryParam('force', 'true');
    ctx.setBody(JSON.stringify(spec));
    return await this.requestPromise(ctx);
  }
}

export interface ApplyFailure {
  object: string;
  status?: number;
  message: string;
}

/**
 * Server-side apply of every object (schema, defaulting and admission run in the real kube-apiserver; unknown
 * fields are rejected). With dryRun nothing is stored. Returns the failures instead of stopping at the first.
 */
export async function serverSideApply(admin: KubeClients, objects: KubernetesObject[], opts: { dryRun: boolean }): Promise<{ applied: KubernetesObject[]; failures: ApplyFailure[] }> {
  const api = StrictApplyApi.forConfig(admin.kc);
  const applied: KubernetesObject[] = [];
  const failures: ApplyFailure[] = [];
  const sorted = [...objects].sort((a, b) => rank(a.kind ?? '') - rank(b.kind ?? ''));
  const applyOne = async (obj: KubernetesObject) => {
    try {
      applied.push(await api.apply(obj, opts.dryRun));
    } catch (err) {
      const body = (err as { body?: unknown }).body;
      const message = typeof body === 'string' ? body : body ? JSON.stringify(body) : String(err);
      failures.push({ object: `${obj.kind}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`, status: kubeStatusCode(err), message });
    }
  };
  // Objects of one rank in parallel (a few at a time); ranks in order.
  for (let r = 0; r <= APPLY_ORDER.length; r++) {
    const batch = sorted.filter((o) => rank(o.kind ?? '') === r);
    for (let i = 0; i < batch.length; i += 6) await Promise.all(batch.slice(i, i + 6).map(applyOne));
  }
  return { applied, failures };
}

/** Deletes objects (cluster-scoped ones matter: namespaces take their own objects with them). */
export async function deleteObjects(admin: KubeClients, objects: KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin.kc);
  for (const obj of objects) {
    try {
      await api.delete(obj);
    } catch (err) {
      if (kubeStatusCode(err) !== 404) throw err;
    }
  }
}

/**
 * A kubeconfig whose only credential is a short-lived token of the given ServiceAccount (TokenRequest API),
 * pointing at the same API server as the admin's context. Returns its path and a cleanup function.
 */
export async function serviceAccountKubeconfig(
  admin: KubeClients,
  namespace: string,
  serviceAccount: string,
  contextName = `${serviceAccount}@${namespace}`,
): Promise<{ path: string; context: string; remove: () => void }> {
  const token = await admin.core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = admin.kc.getCurrentCluster();
  if (!cluster) throw new Error('the admin context has no cluster');
  const context = contextName;
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server: cluster.server, 'certificate-authority-data': caData(cluster) } }],
    users: [{ name: context, user: { token: token.status?.token } }],
    contexts: [{ name: context, context: { cluster: 'local', user: context, namespace } }],
    'current-context': context,
  };
  const dir = mkdtempSync(join(tmpdir(), 'skyport-sa-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, JSON.stringify(kubeconfig), { mode: 0o600 });
  return { path, context, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function caData(cluster: { caData?: string; caFile?: string }): string | undefined {
  if (cluster.caData) return cluster.caData;
  if (cluster.caFile) return readFileSync(cluster.caFile).toString('base64');
  return undefined;
}
