import type { KeyPath } from '../schema/validate-schema';
import type { EphemeralVolume } from '../types/task-spec.types';
import { isSkyportError } from '@skyport/contracts';
import { parseVolumeSize, VOLUME_ACCESS_MODES, type VolumeAccessMode } from './volume-spec';

type Raw = Record<string, unknown>;
type Report = (path: KeyPath, message: string) => void;

const SHARED_MODES: readonly string[] = ['ReadWriteMany', 'ReadOnlyMany'];

/**
 * SkyPilot's ephemeral volumes: `volumes: {/mnt/cache: {size: 100Gi, config: {storage_class_name, access_mode}}}`
 * — a claim made with the cluster and deleted with it. Every node mounts the one claim, so a cluster of several
 * nodes needs a mode they can share (ReadWriteMany), as SkyPilot requires. `labels` are accepted and not applied.
 */
export function normaliseEphemeralVolumes(value: unknown, numNodes: number, report: Report, ignore: (key: string) => void): Record<string, EphemeralVolume> {
  const out: Record<string, EphemeralVolume> = {};
  for (const [target, spec] of Object.entries((value as Raw | null) ?? {})) {
    if (typeof spec !== 'object' || spec === null || (spec as Raw).size === undefined) continue;
    const s = spec as Raw;
    const at: KeyPath = ['volumes', target];
    if (s.name !== undefined) {
      report([...at, 'name'], `volume '${target}' has both 'name' and 'size': name a volume (skyport volumes apply) or give a size for one made with the cluster, not both`);
      continue;
    }
    if (s.type !== undefined && s.type !== 'k8s-pvc') {
      report([...at, 'type'], `ephemeral volume type '${String(s.type)}' is not supported by Skyport: only 'k8s-pvc'`);
      continue;
    }
    let sizeGb: number;
    try {
      sizeGb = parseVolumeSize(s.size);
    } catch (err) {
      report([...at, 'size'], isSkyportError(err) ? err.userMessage : String(err));
      continue;
    }
    const config = (s.config ?? {}) as Raw;
    const unknown = Object.keys(config).filter((k) => k !== 'storage_class_name' && k !== 'access_mode');
    if (unknown.length) {
      report([...at, 'config', unknown[0]!], `unknown ephemeral volume config field(s): ${unknown.join(', ')}; config has storage_class_name and access_mode`);
      continue;
    }
    const accessMode = config.access_mode ?? 'ReadWriteOnce';
    if (!VOLUME_ACCESS_MODES.includes(accessMode as VolumeAccessMode)) {
      report([...at, 'config', 'access_mode'], `volume access_mode '${String(accessMode)}' is not one of ${VOLUME_ACCESS_MODES.join(', ')}`);
      continue;
    }
    if (numNodes > 1 && !SHARED_MODES.includes(accessMode as string)) {
      report([...at, 'config', 'access_mode'], `ephemeral volume '${target}' is mounted by all ${numNodes} nodes: set config.access_mode: ReadWriteMany (with a storage_class_name that supports it)`);
      continue;
    }
    if (config.storage_class_name !== undefined && typeof config.storage_class_name !== 'string') {
      report([...at, 'config', 'storage_class_name'], 'storage_class_name must be a StorageClass name');
      continue;
    }
    if (s.labels !== undefined) ignore(`volumes.${target}.labels`);
    out[target] = {
      sizeGb,
      accessMode: accessMode as VolumeAccessMode,
      ...(typeof config.storage_class_name === 'string' ? { storageClassName: config.storage_class_name } : {}),
    };
  }
  return out;
}

/**
 * The claims of a task's ephemeral volumes, named after the cluster (`<cluster>-vol-<n>`, n in mount path order).
 * One rule for the provisioner (which makes them) and the api (which lists them).
 */
export function ephemeralClaimNames(volumes: Record<string, EphemeralVolume> | undefined, clusterName: string): Array<{ claim: string; mountPath: string; volume: EphemeralVolume }> {
  return Object.entries(volumes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([mountPath, volume], i) => ({ claim: `${clusterName}-vol-${i}`, mountPath, volume }));
}
