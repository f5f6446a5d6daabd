import type { V1Service } from '@kubernetes/client-node';
import type { KubeClients } from '../client/kube-client.provider';
import { kubeCall, kubeCallOrUndefined } from '../errors/kube-error.translator';
import { LABEL_MANAGED_BY, MANAGED_BY } from './cluster-labels';

/**
 * A managed job group's pods carry its job id under this label, and its one headless Service (named after the
 * group, so `<task>-<rank>.<group>` resolves) selects them by it. The Service is the group's, not a cluster's: it
 * carries no cluster label, so tearing down one task's cluster (a recovery) keeps it. It goes when no pod of the
 * group is left (the provisioner's teardown), or by the autodown reaper once the group's job has ended.
 */
export const LABEL_JOB_GROUP = 'skyport.dev/job-group';

/** The pods of one group (and its Service). */
export function jobGroupSelector(managedJobId: number): string {
  return `${LABEL_JOB_GROUP}=${managedJobId},${LABEL_MANAGED_BY}=${MANAGED_BY}`;
}

/** Every group's Service (both labels present). */
export const ANY_JOB_GROUP_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_JOB_GROUP}`;

/** The group's headless Service: `<task>-<rank>.<group>` resolves to the pod's IP, ready or not (peers resolve during setup). */
export function buildJobGroupService(namespace: string, group: string, managedJobId: number): V1Service {
  const labels = { [LABEL_JOB_GROUP]: String(managedJobId), [LABEL_MANAGED_BY]: MANAGED_BY };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: group, namespace, labels },
    spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { [LABEL_JOB_GROUP]: String(managedJobId) } },
  };
}

/** One group Service as a listing sees it. */
export interface JobGroupServiceRef {
  namespace: string;
  name: string;
  managedJobId: number;
  createdAt: Date;
}

/** Every group Service in a namespace (all namespaces when none is given), not counting those being deleted. */
export async function listJobGroupServices(c: KubeClients, namespace?: string): Promise<JobGroupServiceRef[]> {
  const op = { verb: 'list', resource: 'services', namespace, context: c.context.name };
  const { items } = await kubeCall(op, () =>
    namespace ? c.core.listNamespacedService({ namespace, labelSelector: ANY_JOB_GROUP_SELECTOR }) : c.core.listServiceForAllNamespaces({ labelSelector: ANY_JOB_GROUP_SELECTOR }),
  );
  return items.flatMap((s) => {
    const m = s.metadata;
    const id = Number(m?.labels?.[LABEL_JOB_GROUP]);
    if (!m?.name || !m.namespace || m.deletionTimestamp || !Number.isInteger(id)) return [];
    return [{ namespace: m.namespace, name: m.name, managedJobId: id, createdAt: new Date(m.creationTimestamp ?? 0) }];
  });
}

/** Whether a pod of the group that is not being deleted is still in the namespace. */
export async function jobGroupHasLivePods(c: KubeClients, namespace: string, managedJobId: number): Promise<boolean> {
  const op = { verb: 'list', resource: 'pods', namespace, context: c.context.name };
  const { items } = await kubeCall(op, () => c.core.listNamespacedPod({ namespace, labelSelector: jobGroupSelector(managedJobId) }));
  return items.some((p) => !p.metadata?.deletionTimestamp);
}

/** Deletes the group's Service (found by its label, whatever its name); one already gone is not an error. */
export async function deleteJobGroupService(c: KubeClients, namespace: string, managedJobId: number): Promise<void> {
  const op = { verb: 'delete', resource: 'services', namespace, context: c.context.name };
  await kubeCallOrUndefined(op, () => c.core.deleteCollectionNamespacedService({ namespace, labelSelector: jobGroupSelector(managedJobId) }));
}
