import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RbacAuthorizationV1Api, type V1PolicyRule } from '@kubernetes/client-node';
import type { KubeClients } from '../client/kube-client.provider';

export interface ServiceAccountAccess {
  /** A kubeconfig whose only credential is the ServiceAccount's token, with `context` as its current context. */
  kubeconfig: string;
  context: string;
  /** Deletes the cluster-scoped grant and the kubeconfig (the namespace's objects go with the namespace). */
  remove: () => Promise<void>;
}

/**
 * For tests of what Skyport does with limited credentials: a ServiceAccount in `namespace` granted exactly
 * `rules` there (Role + RoleBinding) and `clusterRules` cluster-wide (ClusterRole + binding), and a kubeconfig
 * with a short-lived token of it (TokenRequest API) for the same API server as `admin`.
 */
export async function serviceAccountWithAccess(
  admin: KubeClients,
  namespace: string,
  grants: { rules: V1PolicyRule[]; clusterRules?: V1PolicyRule[] },
): Promise<ServiceAccountAccess> {
  const name = `skyport-sa-${randomBytes(3).toString('hex')}`;
  const rbac = admin.kc.makeApiClient(RbacAuthorizationV1Api);
  const subject = { kind: 'ServiceAccount', name, namespace };
  await admin.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules: grants.rules } });
  await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [subject] } });
  const clusterName = `${name}-${namespace}`.slice(0, 63);
  if (grants.clusterRules?.length) {
    await rbac.createClusterRole({ body: { metadata: { name: clusterName, labels: { 'skyport.dev/test': 'true' } }, rules: grants.clusterRules } });
    await rbac.createClusterRoleBinding({
      body: { metadata: { name: clusterName, labels: { 'skyport.dev/test': 'true' } }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName }, subjects: [subject] },
    });
  }
  const token = await admin.core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const cluster = admin.kc.getCurrentCluster();
  if (!cluster) throw new Error('the admin context has no cluster');
  const context = `${name}@${namespace}`;
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  const dir = mkdtempSync(join(tmpdir(), 'skyport-sa-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server: cluster.server, 'certificate-authority-data': ca, 'insecure-skip-tls-verify': cluster.skipTLSVerify || undefined } }],
    users: [{ name: context, user: { token: token.status?.token } }],
    contexts: [{ name: context, context: { cluster: 'local', user: context, namespace } }],
    'current-context': context,
  };
  writeFileSync(kubeconfig, JSON.stringify(config), { mode: 0o600 });
  return {
    kubeconfig,
    context,
    remove: async () => {
      rmSync(dir, { recursive: true, force: true });
      if (!grants.clusterRules?.length) return;
      await rbac.deleteClusterRoleBinding({ name: clusterName }).catch(() => undefined);
      await rbac.deleteClusterRole({ name: clusterName }).catch(() => undefined);
    },
  };
}
