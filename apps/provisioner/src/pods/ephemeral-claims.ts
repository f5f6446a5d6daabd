import type { V1PersistentVolumeClaim } from '@skyport/kube';
import { ephemeralClaimNames, formatVolumeSize, type TaskSpec } from '@skyport/task-spec';
import { LABEL_CREATED_VOLUME } from './cluster-labels';
import { baseLabels, type ClusterSpec, type EphemeralClaim } from './cluster-objects.builder';

/** The claims of a task's ephemeral volumes, named after the cluster (`<cluster>-vol-<n>`, by mount path). */
export function ephemeralClaimsFor(task: Pick<TaskSpec, 'ephemeralVolumes'>, clusterName: string): EphemeralClaim[] {
  return ephemeralClaimNames(task.ephemeralVolumes, clusterName).map(({ claim, mountPath, volume: v }) => ({
    claim,
    mountPath,
    sizeGb: v.sizeGb,
    accessMode: v.accessMode,
    ...(v.storageClassName ? { storageClassName: v.storageClassName } : {}),
  }));
}

/**
 * The PersistentVolumeClaims made with the cluster: the cluster's labels (so teardown and the orphan reaper find
 * them) and `skyport.dev/created-volume=true` (teardown deletes only claims Skyport made, never a user's).
 */
export function buildEphemeralClaims(spec: Pick<ClusterSpec, 'clusterName' | 'namespace' | 'user' | 'labels' | 'ephemeralVolumes'>): V1PersistentVolumeClaim[] {
  const labels = { ...baseLabels(spec), [LABEL_CREATED_VOLUME]: 'true' };
  return (spec.ephemeralVolumes ?? []).map((v) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: v.claim, namespace: spec.namespace, labels },
    spec: {
      accessModes: [v.accessMode],
      resources: { requests: { storage: formatVolumeSize(v.sizeGb) } },
      ...(v.storageClassName ? { storageClassName: v.storageClassName } : {}),
    },
  }));
}
