import { ErrorCode, SkyportError, type JobGroupLaunch } from '@skyport/contracts';
import { LABEL_CLUSTER, LABEL_JOB_GROUP, buildJobGroupService, isKubeConflict, kubeCall, kubeCallOrUndefined, type KubeClients } from '@skyport/kube';

/**
 * Creates the job group's headless Service if it is missing (every task's launch does; the first one makes it). One
 * of that name that is not this group's — another group, a cluster's Service, a hand-made one — is never taken over:
 * the launch is refused, naming it.
 */
export async function ensureJobGroupService(clients: KubeClients, namespace: string, group: JobGroupLaunch): Promise<void> {
  const context = clients.context.name;
  const op = { verb: 'create', resource: 'services', name: group.name, namespace, context };
  try {
    await kubeCall(op, () => clients.core.createNamespacedService({ namespace, body: buildJobGroupService(namespace, group.name, group.managedJobId) }));
    return;
  } catch (err) {
    if (!isKubeConflict(err)) throw err;
  }
  const existing = await kubeCallOrUndefined({ ...op, verb: 'get' }, () => clients.core.readNamespacedService({ name: group.name, namespace }));
  if (!existing) return ensureJobGroupService(clients, namespace, group);
  const labels = existing.metadata?.labels ?? {};
  if (labels[LABEL_JOB_GROUP] === String(group.managedJobId) && !existing.metadata?.deletionTimestamp) return;
  const owner = labels[LABEL_JOB_GROUP]
    ? `job group of managed job ${labels[LABEL_JOB_GROUP]}`
    : labels[LABEL_CLUSTER]
      ? `cluster '${labels[LABEL_CLUSTER]}'`
      : existing.metadata?.deletionTimestamp
        ? 'a Service still being deleted'
        : 'no Skyport job group';
  throw new SkyportError(
    ErrorCode.Conflict,
    `job group '${group.name}' needs a Service named '${group.name}' in namespace '${namespace}' (context '${context}') for its host names '<task>-<node>.${group.name}', but one already exists there (it belongs to ${owner}); run the group under another name, or once that one is gone`,
    { reason: 'job-group-name-taken', name: group.name, namespace, context },
  );
}
