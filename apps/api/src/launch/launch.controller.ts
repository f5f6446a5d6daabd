import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ClusterStatus, ErrorCode, RequestKind, SkyportError, type LaunchAccepted, type LaunchRequestBody } from '@skyport/contracts';
import { readLaunchBody, readQueueOptions, resolveTask } from './launch-body';
import { LaunchService } from './launch.service';
import { DryrunService } from '../optimizer/dryrun.service';
import { Caller, type Principal } from '../auth/principal';
import { IdentityService } from '../auth/identity.service';
import type { Placement } from './placement';
import { OwnIdempotency } from '../http/idempotency.interceptor';
import { checkKey } from '../http/idempotency-key';
import { apiMetrics } from '../metrics/api-metrics';
import { PolicyService } from '../policy/policy.service';
import { LaunchVolumes } from '../volumes/launch-volumes';
import { ClustersService } from '../clusters/clusters.service';
import { checkJobFitsCluster } from './exec-fit';

@Controller('v1/clusters/:name')
export class LaunchController {
  constructor(
    @Inject(LaunchService) private readonly launches: LaunchService,
    @Inject(DryrunService) private readonly dryrun: DryrunService,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(PolicyService) private readonly policy: PolicyService,
    @Inject(LaunchVolumes) private readonly volumes: LaunchVolumes,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  /**
   * Everything decided before a row is written: where the caller may run (tenancy), the bounds and the admin's
   * policy. A refusal here leaves no request, cluster or Kubernetes object behind.
   */
  private async admit(caller: Principal, body: LaunchRequestBody, kind: RequestKind): Promise<Placement | undefined> {
    const teamPlacement = await this.placementOf(caller, body, kind);
    await this.policy.admit(caller, body, teamPlacement?.namespaces.map((n) => n.namespace) ?? []);
    // A launch that mounts Skyport volumes runs next to them (an exec joins a cluster already placed).
    return kind === RequestKind.Launch ? this.volumes.place(caller, resolveTask(body).task, teamPlacement) : teamPlacement;
  }

  /** 202 with the request id at once; the launch proceeds in the background (follow GET /v1/requests/:id). */
  @Post('launch')
  @HttpCode(202)
  @OwnIdempotency()
  async launch(
    @Caller() caller: Principal,
    @Param('name') name: string,
    @Body() raw: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LaunchAccepted | Record<string, unknown>> {
    const body = readLaunchBody(raw);
    const queue = readQueueOptions(raw);
    const placement = await this.admit(caller, body, RequestKind.Launch).catch((error: unknown) => {
      apiMetrics.launches.inc({ outcome: 'rejected' });
      throw error;
    });
    if (body.dryrun) {
      res.status(200);
      return this.dryrun.plan(name, body);
    }
    const outcome = await this.launches
      .accept({
        clusterName: name,
        body,
        owner: caller.userId,
        principal: caller,
        idempotencyKey: checkKey(idempotencyKey),
        kind: RequestKind.Launch,
        priority: queue.priority,
        failFast: queue.failFast,
        placement,
      })
      .catch((error: unknown) => {
        apiMetrics.launches.inc({ outcome: 'rejected' });
        throw error;
      });
    if (!outcome.replayed) apiMetrics.launches.inc({ outcome: outcome.accepted.queued ? 'queued' : 'accepted' });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.setHeader('Location', `/v1/requests/${outcome.accepted.requestId}`);
    return outcome.accepted;
  }

  /** Queues a job on a running cluster (`skyport exec`). */
  @Post('exec')
  @HttpCode(202)
  @OwnIdempotency()
  async exec(
    @Caller() caller: Principal,
    @Param('name') name: string,
    @Body() raw: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LaunchAccepted> {
    const body = readLaunchBody(raw);
    const placement = await this.admit(caller, body, RequestKind.Exec);
    // Only on a cluster the caller may see: others get "not found" from accept, not the size of its nodes.
    const cluster = await this.clusters.find(caller, name).catch(() => undefined);
    if (cluster?.status === ClusterStatus.Up) checkJobFitsCluster(cluster, resolveTask(body).task);
    const outcome = await this.launches.accept({
      clusterName: name,
      body,
      owner: caller.userId,
      principal: caller,
      idempotencyKey: checkKey(idempotencyKey),
      kind: RequestKind.Exec,
      placement,
    });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.setHeader('Location', `/v1/requests/${outcome.accepted.requestId}`);
    return outcome.accepted;
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
