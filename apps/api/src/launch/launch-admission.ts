import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, RequestKind, SkyportError, type LaunchRequestBody, type Placement } from '@skyport/contracts';
import { resolveTask, type ResolvedTask } from './launch-body';
import type { Principal } from '../auth/principal';
import { IdentityService } from '../auth/identity.service';
import { PolicyService } from '../policy/policy.service';
import { LaunchVolumes } from '../volumes/launch-volumes';
import { LaunchBuckets } from '../storage/launch-buckets';

/**
 * Everything decided before a launch's rows are written: where the caller may run (tenancy), the bounds, the
 * admin's policy and the buckets the task may read. Shared by `launch`/`exec` and managed jobs (`jobs launch`), so
 * both are admitted the same way.
 */
@Injectable()
export class LaunchAdmission {
  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(PolicyService) private readonly policy: PolicyService,
    @Inject(LaunchVolumes) private readonly volumes: LaunchVolumes,
    @Inject(LaunchBuckets) private readonly buckets: LaunchBuckets,
  ) {}

  /**
   * A refusal here leaves no request, cluster or Kubernetes object behind. `resolved` is the task parsed and checked
   * once for the whole request: pass it on (`LaunchCall.resolved`) rather than parsing the body again.
   */
  async admit(caller: Principal, body: LaunchRequestBody, kind: RequestKind): Promise<{ placement: Placement | undefined; resolved: ResolvedTask }> {
    const teamPlacement = await this.placementOf(caller, body, kind);
    const resolved = await this.policy.admit(caller, body, teamPlacement?.namespaces.map((n) => n.namespace) ?? []);
    // The server's S3 credentials read only the caller's team's buckets and those the admin allowed (403 otherwise).
    await this.buckets.check(caller, resolved.task);
    // A launch that mounts Skyport volumes runs next to them (an exec joins a cluster already placed).
    const placement = kind === RequestKind.Launch ? await this.volumes.place(caller, resolved.task, teamPlacement) : teamPlacement;
    return { placement, resolved };
  }

  /**
   * A user's launches are confined to their team's namespaces. With tenancy on (the default once the server has
   * more than one team), a user whose team has none (or who has no team) may not launch on Kubernetes at all until
   * an admin grants one; admins are not confined.
   */
  private async placementOf(caller: Principal, body: LaunchRequestBody, kind: RequestKind): Promise<Placement | undefined> {
    if (caller.role === 'admin') return undefined;
    const namespaces = caller.team ? await this.identity.namespacesOf(caller.team) : [];
    if (caller.team && namespaces.length) return { team: caller.team, namespaces };
    // An exec runs on a cluster the team already owns (checked when it is accepted); a cloud-only task needs no namespace.
    if (kind === RequestKind.Exec || !(await this.policy.tenancyOn()) || cloudOnly(body)) return undefined;
    throw new SkyportError(
      ErrorCode.Forbidden,
      caller.team
        ? `team '${caller.team}' has no Kubernetes namespace to launch into; an admin grants one with PUT /v1/teams/${caller.team}/namespaces`
        : `user '${caller.name}' is in no team, so it has no Kubernetes namespace to launch into; an admin can put it in a team that has namespaces (PATCH /v1/users/${caller.name} {"team": ...})`,
      { reason: 'NO_TEAM_NAMESPACE', team: caller.team },
    );
  }
}

/** Every resource choice names a cloud (`infra: aws/...`): the task never touches a Kubernetes namespace. */
function cloudOnly(body: LaunchRequestBody): boolean {
  const { task } = resolveTask(body);
  return task.resources.every((r) => r.infra !== undefined && r.infra.provider !== 'kubernetes');
}
