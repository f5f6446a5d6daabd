import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ClusterStatus, RequestKind, type LaunchAccepted } from '@skyport/contracts';
import { readLaunchBody } from './launch-body';
import { LaunchService } from './launch.service';
import { DryrunService } from '../optimizer/dryrun.service';
import { Caller, type Principal } from '../auth/principal';
import { LaunchAdmission } from './launch-admission';
import { OwnIdempotency } from '../http/idempotency.interceptor';
import { checkKey } from '../http/idempotency-key';
import { apiMetrics } from '../metrics/api-metrics';
import { ClustersService } from '../clusters/clusters.service';
import { checkJobFitsCluster } from './exec-fit';

@Controller('v1/clusters/:name')
export class LaunchController {
  constructor(
    @Inject(LaunchService) private readonly launches: LaunchService,
    @Inject(DryrunService) private readonly dryrun: DryrunService,
    @Inject(LaunchAdmission) private readonly admission: LaunchAdmission,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

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
    const { placement, resolved } = await this.admission.admit(caller, body, RequestKind.Launch).catch((error: unknown) => {
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
        priority: body.priority,
        failFast: body.failFast === true,
        placement,
        resolved,
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
    const { placement, resolved } = await this.admission.admit(caller, body, RequestKind.Exec);
    // Only on a cluster the caller may see: others get "not found" from accept, not the size of its nodes.
    const cluster = await this.clusters.find(caller, name).catch(() => undefined);
    if (cluster?.status === ClusterStatus.Up) checkJobFitsCluster(cluster, resolved.task);
    const outcome = await this.launches.accept({
      clusterName: name,
      body,
      owner: caller.userId,
      principal: caller,
      idempotencyKey: checkKey(idempotencyKey),
      kind: RequestKind.Exec,
      placement,
      resolved,
    });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.setHeader('Location', `/v1/requests/${outcome.accepted.requestId}`);
    return outcome.accepted;
  }
}
