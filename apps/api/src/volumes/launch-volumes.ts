import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, type Placement } from '@skyport/contracts';
import type { TaskSpec } from '@skyport/task-spec';
import type { Principal } from '../auth/principal';
import { visibleVolumes } from './volume-rows.query';

interface VolumeLocation {
  name: string;
  context: string;
  namespace: string;
}

function namespaceAsked(task: TaskSpec): string | undefined {
  const kube = task.config.kubernetes as Record<string, unknown> | undefined;
  return typeof kube?.namespace === 'string' ? kube.namespace : undefined;
}

function refuse(message: string, details: Record<string, unknown>): SkyportError {
  return new SkyportError(ErrorCode.InvalidTask, message, { reason: 'VOLUME_PLACEMENT', ...details });
}

/**
 * A task's `volumes: {/mnt/data: NAME}` mounts the claim NAME in the cluster's namespace. When NAME is a Skyport
 * volume, the cluster must run next to it: a task that names another context, namespace or a cloud is refused
 * here, with the volume's place in the message; a team's launch is confined to the volume's namespace (its
 * placement narrowed to it), so the optimizer only considers that context. A name that is no Skyport volume is an
 * existing claim in the cluster's namespace, as before volumes existed.
 */
export function placeNextToVolumes(task: TaskSpec, volumes: VolumeLocation[], placement: Placement | undefined): Placement | undefined {
  const first = volumes[0];
  if (!first) return placement;
  const elsewhere = volumes.find((v) => v.context !== first.context || v.namespace !== first.namespace);
  if (elsewhere) {
    throw refuse(
      `volumes '${first.name}' (kubernetes/${first.context}, namespace ${first.namespace}) and '${elsewhere.name}' (kubernetes/${elsewhere.context}, namespace ${elsewhere.namespace}) are in different places; a cluster mounts volumes of its own namespace only`,
      { volumes: volumes.map((v) => v.name) },
    );
  }
  const where = `kubernetes/${first.context}, namespace ${first.namespace}`;
  for (const r of task.resources) {
    if (r.infra && r.infra.provider !== 'kubernetes') {
      throw refuse(`volume '${first.name}' is in ${where}; a task that mounts it runs there, not on ${r.infra.provider}: use infra: kubernetes/${first.context}`, { volume: first.name });
    }
    if (r.infra?.context && r.infra.context !== first.context) {
      throw refuse(`volume '${first.name}' is in ${where}, but the task asks for context '${r.infra.context}': use infra: kubernetes/${first.context}`, { volume: first.name });
    }
  }
  const ns = namespaceAsked(task);
  if (ns && ns !== first.namespace) {
    throw refuse(`volume '${first.name}' is in ${where}, but the task asks for namespace '${ns}'`, { volume: first.name });
  }
  if (!placement) return undefined;
  const there = placement.namespaces.filter((n) => n.context === first.context && n.namespace === first.namespace);
  if (there.length === 0) {
    throw refuse(`volume '${first.name}' is in ${where}, which is no longer one of team '${placement.team}' namespaces`, { volume: first.name });
  }
  return { ...placement, namespaces: there };
}

/** The launch-time check of a task's volumes against the volumes table (reads only; Kubernetes is not called). */
@Injectable()
export class LaunchVolumes {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async place(caller: Principal, task: TaskSpec, placement: Placement | undefined): Promise<Placement | undefined> {
    const names = [...new Set(Object.values(task.volumes))].sort();
    if (names.length === 0) return placement;
    const rows: Array<{ name: string; team: string | null }> = await this.db.query('SELECT name, team FROM volumes WHERE name = ANY($1)', [names]);
    const located: VolumeLocation[] = [];
    for (const row of rows) {
      const mine = (await visibleVolumes(this.db.manager, caller, row.name))[0];
      if (!mine) throw new SkyportError(ErrorCode.Forbidden, `volume '${row.name}' belongs to another team; skyport volumes ls lists yours`, { volume: row.name, reason: 'VOLUME_NOT_YOURS' });
      located.push({ name: mine.name, context: mine.context, namespace: mine.namespace });
    }
    return placeNextToVolumes(task, located, placement);
  }
}
