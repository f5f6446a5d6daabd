import type { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, type VolumesRpc } from '@skyport/contracts';
import { resolveKubernetesSettings, resolveTaskPolicy, type SkyportConfig } from '@skyport/config';
import { isKubeConflict, kubeCall, kubeCallOrUndefined, type KubeClientProvider, type KubeClients, type V1PersistentVolumeClaim } from '@skyport/kube';
import { LABEL_MANAGED_BY, LABEL_USER, MANAGED_BY } from '../pods/cluster-labels';
import { sanitiseLabelValue } from '../pods/cluster-objects.builder';
import { LABEL_TEAM, secureTeamNamespace } from '../provision/team-namespace';
import { teamPolicy } from '../provision/task-guard';

/**
 * The volume a claim belongs to. A volume's claim carries Skyport's managed-by label (so `kubectl get pvc -l
 * app.kubernetes.io/managed-by=skyport` lists it) but never the cluster label: the orphan reaper and cluster
 * teardown select by the cluster label, so they leave volumes alone.
 */
export const LABEL_VOLUME = 'skyport.dev/volume';

export interface VolumeClaimDeps {
  kube: KubeClientProvider;
  db: DataSource;
  config: SkyportConfig;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

/** The claim of a volume, labelled as Skyport's and as the volume's. */
export function buildVolumeClaim(req: Pick<VolumesRpc.ApplyVolumeRequest, 'name' | 'size' | 'storageClassName' | 'accessMode' | 'team' | 'user'>, namespace: string): V1PersistentVolumeClaim {
  const labels: Record<string, string> = { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_VOLUME]: req.name, [LABEL_USER]: sanitiseLabelValue(req.user || 'unknown') };
  if (req.team) labels[LABEL_TEAM] = sanitiseLabelValue(req.team);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: req.name, namespace, labels },
    spec: {
      accessModes: [req.accessMode || 'ReadWriteOnce'],
      resources: { requests: { storage: req.size } },
      ...(req.storageClassName ? { storageClassName: req.storageClassName } : {}),
    },
  };
}

/**
 * Where a volume goes: the context asked for (else the team's first, else the default one) and, for a team, one
 * of its namespaces there (the one asked for, else the first) — a volume never lands outside the team's
 * namespaces. Without a team (an admin): the namespace asked for, the settings' for the context, or the context's.
 */
export function volumePlacement(req: Pick<VolumesRpc.ApplyVolumeRequest, 'context' | 'namespace' | 'placement' | 'team'>, deps: Pick<VolumeClaimDeps, 'kube' | 'config'>): { clients: KubeClients; namespace: string } {
  const context = req.context || req.placement[0]?.context || deps.kube.defaultContext();
  const clients = deps.kube.forContext(context);
  if (req.placement.length === 0) {
    const settings = resolveKubernetesSettings({ config: deps.config, context });
    return { clients, namespace: req.namespace || settings.namespace || clients.context.namespace };
  }
  const mine = req.placement.filter((p) => p.context === context).map((p) => p.namespace);
  if (mine.length === 0) {
    const contexts = [...new Set(req.placement.map((p) => p.context))].join(', ');
    throw new SkyportError(ErrorCode.Forbidden, `team '${req.team}' has no namespace on context '${context}'; its contexts: ${contexts}`, { reason: 'no-team-namespace', context });
  }
  if (req.namespace && !mine.includes(req.namespace)) {
    throw new SkyportError(ErrorCode.Forbidden, `team '${req.team}' may not put a volume in namespace '${req.namespace}' on context '${context}'; its namespaces there: ${mine.join(', ')}`, {
      reason: 'not-team-namespace',
      namespace: req.namespace,
    });
  }
  return { clients, namespace: req.namespace || mine[0]! };
}

function locationOf(clients: KubeClients, namespace: string, claim: V1PersistentVolumeClaim): VolumesRpc.VolumeLocation {
  return {
    context: clients.context.name,
    namespace,
    phase: claim.status?.phase ?? 'Pending',
    size: String(claim.spec?.resources?.requests?.storage ?? ''),
    storageClassName: claim.spec?.storageClassName ?? '',
    accessMode: claim.spec?.accessModes?.[0] ?? '',
  };
}

/** Creates the volume's claim; applying the same volume again finds its claim. A claim not Skyport's is refused. */
export async function applyVolume(req: VolumesRpc.ApplyVolumeRequest, deps: VolumeClaimDeps): Promise<VolumesRpc.VolumeLocation> {
  const { clients, namespace } = volumePlacement(req, deps);
  const op = { resource: 'persistentvolumeclaims', name: req.name, namespace, context: clients.context.name };
  const read = () => kubeCallOrUndefined({ ...op, verb: 'get' }, () => clients.core.readNamespacedPersistentVolumeClaim({ name: req.name, namespace }));
  if (req.useExisting) {
    const claim = await read();
    if (!claim) throw new SkyportError(ErrorCode.NotFound, `use_existing: there is no PersistentVolumeClaim '${req.name}' in namespace '${namespace}' of context '${clients.context.name}'`, { namespace });
    return locationOf(clients, namespace, claim);
  }
  if (req.team && req.placement.length > 0) {
    // The team's namespace may not exist before its first launch: make it as a launch would (Pod Security label).
    const level = resolveTaskPolicy(deps.config.policy, await teamPolicy(deps.db, req.team)).pod_security_enforce;
    await secureTeamNamespace(clients, namespace, { placement: { team: req.team, namespaces: req.placement } }, level, deps.log);
  }
  const created = await kubeCall({ ...op, verb: 'create' }, () => clients.core.createNamespacedPersistentVolumeClaim({ namespace, body: buildVolumeClaim(req, namespace) })).catch(async (err: unknown) => {
    if (!isKubeConflict(err)) throw err;
    const existing = await read();
    if (existing?.metadata?.labels?.[LABEL_VOLUME] === req.name) return existing;
    throw new SkyportError(
      ErrorCode.Conflict,
      `a PersistentVolumeClaim '${req.name}' already exists in namespace '${namespace}' of context '${clients.context.name}' and is not a Skyport volume; choose another name, or record that claim with 'use_existing: true'`,
      { namespace, reason: 'claim-exists' },
    );
  });
  return locationOf(clients, namespace, created);
}

/** Deletes a volume's claim (only one Skyport labelled as that volume); gone already is fine. */
export async function deleteVolume(req: VolumesRpc.DeleteVolumeRequest, deps: Pick<VolumeClaimDeps, 'kube'>): Promise<boolean> {
  if (req.useExisting) return false;
  const clients = deps.kube.forContext(req.context, { forCleanup: true });
  const op = { resource: 'persistentvolumeclaims', name: req.name, namespace: req.namespace, context: clients.context.name };
  const claim = await kubeCallOrUndefined({ ...op, verb: 'get' }, () => clients.core.readNamespacedPersistentVolumeClaim({ name: req.name, namespace: req.namespace }));
  if (!claim || claim.metadata?.labels?.[LABEL_VOLUME] !== req.name) return false;
  const deleted = await kubeCallOrUndefined({ ...op, verb: 'delete' }, () => clients.core.deleteNamespacedPersistentVolumeClaim({ name: req.name, namespace: req.namespace }));
  return deleted !== undefined;
}
