import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ErrorCode, SkyportError, type VolumeDeleted, type VolumeView, type VolumesRpc, type VolumeList } from '@skyport/contracts';
import { TeamQuotaEntity, VolumeEntity } from '@skyport/persistence';
import { callUnary } from '@skyport/service-kit';
import { formatVolumeSize, parseVolumeObject, parseVolumeSize, volumeNameProblem, type VolumeSpec } from '@skyport/task-spec';
import type { Principal } from '../auth/principal';
import { IdentityService } from '../auth/identity.service';
import { PolicyService } from '../policy/policy.service';
import { VOLUMES_CLIENT } from './volumes-client.provider';
import { teamStorageGb, visibleVolumes, type VolumeRow } from './volume-rows.query';
import { visibleEphemeralVolumes } from './ephemeral-volume-rows.query';

/** A claim may wait for a storage class to answer; the provisioner's own Kubernetes calls have their timeouts. */
const VOLUME_RPC_TIMEOUT_MS = 30_000;

export function toVolumeView(r: VolumeRow): VolumeView {
  return {
    name: r.name,
    type: 'k8s-pvc',
    infra: `kubernetes/${r.context}`,
    context: r.context,
    namespace: r.namespace,
    size: r.size,
    sizeGb: r.size_gb,
    storageClassName: r.storage_class,
    accessMode: r.access_mode,
    useExisting: r.use_existing,
    ephemeral: false,
    phase: r.phase,
    team: r.team,
    ownerName: r.owner_name,
    usedBy: r.used_by ?? [],
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/**
 * Volumes (SkyPilot's `sky volumes`): recorded here, team-scoped like clusters (a team sees and deletes its own;
 * names are unique server-wide, so a name in a task means one claim), counted against the team's optional
 * storage quota; the claim itself is made and removed by the provisioner over gRPC.
 */
@Injectable()
export class VolumesService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(VOLUMES_CLIENT) private readonly rpc: VolumesRpc.VolumesClient,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(PolicyService) private readonly policy: PolicyService,
  ) {}

  /** The caller's volumes, and the ephemeral ones of the live clusters they may see (as SkyPilot lists both). */
  async list(caller: Principal): Promise<VolumeList> {
    const [named, ephemeral] = await Promise.all([visibleVolumes(this.db.manager, caller), visibleEphemeralVolumes(this.db.manager, caller)]);
    return { items: [...named.map(toVolumeView), ...ephemeral].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  }

  async get(caller: Principal, name: string): Promise<VolumeView> {
    return toVolumeView(await this.find(this.db.manager, caller, name));
  }

  private async find(db: EntityManager, caller: Principal, name: string): Promise<VolumeRow> {
    const row = (await visibleVolumes(db, caller, name))[0];
    if (!row) throw new SkyportError(ErrorCode.NotFound, `no volume '${name}' (skyport volumes ls lists yours)`, { name });
    return row;
  }

  /** Where the caller's volumes may go: their team's namespaces (empty for an admin, or with tenancy off). */
  private async placementOf(caller: Principal): Promise<VolumesRpc.NamespacePlacement[]> {
    if (caller.role === 'admin') return [];
    const namespaces = caller.team ? await this.identity.namespacesOf(caller.team) : [];
    if (namespaces.length > 0 || !(await this.policy.tenancyOn())) return namespaces;
    throw new SkyportError(
      ErrorCode.Forbidden,
      caller.team
        ? `team '${caller.team}' has no Kubernetes namespace for volumes; an admin grants one with PUT /v1/teams/${caller.team}/namespaces`
        : `user '${caller.name}' is in no team, so it has no Kubernetes namespace for volumes`,
      { reason: 'NO_TEAM_NAMESPACE', team: caller.team },
    );
  }

  /** `POST /v1/volumes` with SkyPilot's volume document. 201 when made, 200 when the same volume already was. */
  async apply(caller: Principal, body: unknown): Promise<{ created: boolean; volume: VolumeView }> {
    const spec = parseVolumeObject(body);
    const placement = await this.placementOf(caller);
    return this.db.transaction(async (tx) => {
      // One apply or delete of a name at a time, server-wide; and one storage decision per team at a time.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('skyport-volume:' || $1))`, [spec.name]);
      const existing = await tx.findOne(VolumeEntity, { where: { name: spec.name } });
      if (existing) return { created: false, volume: await this.reapplied(tx, caller, existing, spec) };
      if (caller.team) {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('skyport-quota:' || $1))`, [caller.team]);
        if (!spec.useExisting) await this.checkStorageQuota(tx, caller.team, spec.sizeGb ?? 0);
      }
      const location = await callUnary(
        this.rpc.apply.bind(this.rpc),
        {
          name: spec.name,
          context: spec.context ?? '',
          namespace: spec.namespace ?? '',
          size: spec.sizeGb !== undefined ? formatVolumeSize(spec.sizeGb) : '',
          storageClassName: spec.storageClassName ?? '',
          accessMode: spec.accessMode,
          useExisting: spec.useExisting,
          team: caller.team ?? '',
          user: caller.name,
          placement,
        },
        VOLUME_RPC_TIMEOUT_MS,
      );
      const size = spec.useExisting ? location.size || null : formatVolumeSize(spec.sizeGb ?? 0);
      await tx.insert(VolumeEntity, {
        name: spec.name,
        type: spec.type,
        context: location.context,
        namespace: location.namespace,
        size,
        sizeGb: spec.sizeGb ?? sizeGbOf(location.size),
        storageClass: (spec.useExisting ? location.storageClassName : spec.storageClassName) || null,
        accessMode: (spec.useExisting ? location.accessMode : spec.accessMode) || spec.accessMode,
        useExisting: spec.useExisting,
        phase: location.phase || 'Pending',
        team: caller.team,
        owner: caller.userId,
      });
      return { created: true, volume: toVolumeView((await visibleVolumes(tx, caller, spec.name))[0]!) };
    });
  }

  /** Applying a volume that exists: the same volume is fine (idempotent); another team's name or a changed one is not. */
  private async reapplied(tx: EntityManager, caller: Principal, existing: VolumeEntity, spec: VolumeSpec): Promise<VolumeView> {
    const mine = (await visibleVolumes(tx, caller, existing.name))[0];
    if (!mine) throw new SkyportError(ErrorCode.Conflict, `the volume name '${spec.name}' is in use by another team; choose another name`, { name: spec.name, reason: 'name-taken' });
    const changed: string[] = [];
    if (spec.sizeGb !== undefined && !existing.useExisting && spec.sizeGb !== existing.sizeGb) changed.push(`size ${existing.size} → ${formatVolumeSize(spec.sizeGb)}`);
    if (spec.context && spec.context !== existing.context) changed.push(`context ${existing.context} → ${spec.context}`);
    if (spec.namespace && spec.namespace !== existing.namespace) changed.push(`namespace ${existing.namespace} → ${spec.namespace}`);
    if (spec.useExisting !== existing.useExisting) changed.push(`use_existing ${existing.useExisting} → ${spec.useExisting}`);
    if (changed.length > 0) {
      throw new SkyportError(ErrorCode.Conflict, `volume '${spec.name}' exists with other settings (${changed.join(', ')}); delete it first (skyport volumes delete ${spec.name}) or choose another name`, {
        name: spec.name,
        reason: 'volume-exists',
      });
    }
    return toVolumeView(mine);
  }

  private async checkStorageQuota(tx: EntityManager, team: string, askedGb: number): Promise<void> {
    const quota = await tx.findOne(TeamQuotaEntity, { where: { team } });
    if (quota?.maxStorageGb === null || quota?.maxStorageGb === undefined) return;
    const used = await teamStorageGb(tx, team);
    if (used + askedGb > quota.maxStorageGb + 1e-9) {
      throw new SkyportError(ErrorCode.Conflict, `team '${team}' quota: storage: ${fmt(used)} GiB in volumes + ${fmt(askedGb)} GiB asked > ${fmt(quota.maxStorageGb)} GiB allowed; delete a volume or ask an admin for more`, {
        reason: 'QUOTA_EXCEEDED',
        team,
        usedGb: used,
        askedGb,
        maxStorageGb: quota.maxStorageGb,
      });
    }
  }

  /** `DELETE /v1/volumes/:name`: refused while a live cluster mounts it; the claim goes first, then the record. */
  async delete(caller: Principal, name: string): Promise<VolumeDeleted> {
    const problem = volumeNameProblem(name);
    if (problem) throw new SkyportError(ErrorCode.NotFound, `no volume '${name}'`, { name });
    const ephemeral = (await visibleEphemeralVolumes(this.db.manager, caller)).find((v) => v.name === name);
    if (ephemeral) {
      const cluster = ephemeral.usedBy[0];
      throw new SkyportError(ErrorCode.Conflict, `volume '${name}' is an ephemeral volume of cluster '${cluster}': it is deleted with the cluster (skyport down ${cluster})`, {
        name,
        reason: 'volume-in-use',
        clusters: ephemeral.usedBy,
      });
    }
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('skyport-volume:' || $1))`, [name]);
      const row = await this.find(tx, caller, name);
      if (row.used_by.length > 0) {
        throw new SkyportError(
          ErrorCode.Conflict,
          `volume '${name}' is in use by cluster${row.used_by.length > 1 ? 's' : ''} ${row.used_by.map((c) => `'${c}'`).join(', ')}; take ${row.used_by.length > 1 ? 'them' : 'it'} down first (skyport down ${row.used_by.join(' ')})`,
          { name, reason: 'volume-in-use', clusters: row.used_by },
        );
      }
      await callUnary(this.rpc.delete.bind(this.rpc), { name, context: row.context, namespace: row.namespace, useExisting: row.use_existing }, VOLUME_RPC_TIMEOUT_MS);
      await tx.delete(VolumeEntity, { name });
      return { name, deleted: true as const };
    });
  }
}

function sizeGbOf(quantity: string): number | null {
  try {
    return quantity ? parseVolumeSize(quantity) : null;
  } catch {
    return null; // a quantity form the volume YAML does not take (`1e9`, `10G` in bytes): size unknown
  }
}

function fmt(gb: number): string {
  return Number.isInteger(gb) ? String(gb) : gb.toFixed(2);
}
