import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Caller, type Principal } from '../auth/principal';
import { str } from '../http/query-value';
import { ClustersService } from './clusters.service';
import { ClusterActionsService, readCancelBody } from './cluster-actions.service';
import type { CancelAccepted, ClusterDetail, ClusterPage, CostReportPage, DownAccepted, EndpointsView, JobPage, PowerAccepted } from './clusters.dto';
import { DownBodySchema, readRestBody, type DownBody } from '@skyport/contracts';

@Controller('v1')
export class ClustersController {
  constructor(
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(ClusterActionsService) private readonly actions: ClusterActionsService,
  ) {}

  /** `skyport status`: clusters the caller may see; `?status=UP,INIT&owner=&team=&name=<prefix>&all=true&limit=&cursor=`. */
  @Get('clusters')
  list(
    @Caller() caller: Principal,
    @Query() query: Record<string, string | undefined>,
  ): Promise<ClusterPage> {
    return this.clusters.list(caller, { status: str(query.status), owner: str(query.owner), team: str(query.team), name: str(query.name), limit: str(query.limit), cursor: str(query.cursor), all: str(query.all) });
  }

  /** `skyport status -v NAME`. */
  @Get('clusters/:name')
  get(@Caller() caller: Principal, @Param('name') name: string): Promise<ClusterDetail> {
    return this.clusters.detail(caller, name);
  }

  /** `skyport queue NAME`: newest first. */
  @Get('clusters/:name/jobs')
  jobs(@Caller() caller: Principal, @Param('name') name: string, @Query() query: Record<string, string | undefined>): Promise<JobPage> {
    return this.clusters.jobs(caller, name, { status: str(query.status), limit: str(query.limit), cursor: str(query.cursor) });
  }

  /** `skyport cancel NAME [JOB...] | --all`. */
  @Post('clusters/:name/jobs/cancel')
  @HttpCode(202)
  cancel(@Caller() caller: Principal, @Param('name') name: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response): Promise<CancelAccepted> {
    const body = readCancelBody(raw);
    return this.actions.cancel(caller, name, body).then((accepted) => {
      res.setHeader('Location', `/v1/requests/${accepted.requestId}`);
      return accepted;
    });
  }

  /** `skyport down NAME`. */
  @Post('clusters/:name/down')
  @HttpCode(202)
  down(@Caller() caller: Principal, @Param('name') name: string, @Body() raw: unknown, @Res({ passthrough: true }) res: Response): Promise<DownAccepted> {
    return this.actions.down(caller, name, readDownBody(raw)).then((accepted) => {
      res.setHeader('Location', `/v1/requests/${accepted.requestId}`);
      return accepted;
    });
  }

  /** `skyport stop NAME`: a cloud VM cluster's VMs are stopped, not terminated (Kubernetes clusters: 409). */
  @Post('clusters/:name/stop')
  @HttpCode(202)
  stop(@Caller() caller: Principal, @Param('name') name: string, @Res({ passthrough: true }) res: Response): Promise<PowerAccepted> {
    return this.actions.stop(caller, name).then((accepted) => {
      res.setHeader('Location', `/v1/requests/${accepted.requestId}`);
      return accepted;
    });
  }

  /** `skyport start NAME`: a STOPPED cluster's VMs run again. */
  @Post('clusters/:name/start')
  @HttpCode(202)
  start(@Caller() caller: Principal, @Param('name') name: string, @Res({ passthrough: true }) res: Response): Promise<PowerAccepted> {
    return this.actions.start(caller, name).then((accepted) => {
      res.setHeader('Location', `/v1/requests/${accepted.requestId}`);
      return accepted;
    });
  }

  /** `skyport status --endpoints NAME`. */
  @Get('clusters/:name/endpoints')
  endpoints(@Caller() caller: Principal, @Param('name') name: string): Promise<EndpointsView> {
    return this.clusters.endpoints(caller, name);
  }

  /** `skyport cost-report`. */
  @Get('cost-report')
  costReport(@Caller() caller: Principal, @Query() query: Record<string, string | undefined>): Promise<CostReportPage> {
    return this.clusters.costReport(caller, { limit: str(query.limit), cursor: str(query.cursor) });
  }
}

/** `{}` or `{"purge": true}` (an empty body is fine), read with its contract schema. */
function readDownBody(raw: unknown): DownBody {
  return raw === undefined || raw === null ? {} : readRestBody(DownBodySchema, raw);
}
