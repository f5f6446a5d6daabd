import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, ManagedJobsCancelBodySchema, SkyportError, readRestBody, type ManagedJobAccepted, type ManagedJobView, type ManagedJobsCancelled, type ManagedJobList } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { ManagedJobsService } from './managed-jobs.service';

/** Managed jobs (`skyport jobs ...`, SkyPilot's `sky jobs`). */
@Controller('v1/jobs')
export class ManagedJobsController {
  constructor(@Inject(ManagedJobsService) private readonly jobs: ManagedJobsService) {}

  /** `skyport jobs launch`: accepted (202) PENDING; the controller launches its cluster. */
  @Post()
  @HttpCode(202)
  submit(@Caller() caller: Principal, @Body() raw: unknown): Promise<ManagedJobAccepted> {
    return this.jobs.submit(caller, raw);
  }

  /** `skyport jobs queue`: the caller's team's managed jobs, newest first. */
  @Get()
  list(@Caller() caller: Principal, @Query() query: { all?: string }): Promise<ManagedJobList> {
    return this.jobs.list(caller, query);
  }

  @Get(':id')
  find(@Caller() caller: Principal, @Param('id') id: string): Promise<ManagedJobView> {
    return this.jobs.find(caller, idOf(id));
  }

  /** `skyport jobs logs --controller`: the job's and its clusters' events as text lines. */
  @Get(':id/controller-log')
  async controllerLog(@Caller() caller: Principal, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const log = await this.jobs.controllerLog(caller, idOf(id));
    // Only the log is text: a refusal (400, 404) stays the usual JSON error body.
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    return log;
  }

  @Post(':id/cancel')
  @HttpCode(202)
  cancelOne(@Caller() caller: Principal, @Param('id') id: string): Promise<ManagedJobsCancelled> {
    return this.jobs.cancel(caller, { ids: [idOf(id)] });
  }

  /** `skyport jobs cancel ID… | -a`: body `{"ids": [..]}` or `{"all": true}`. */
  @Post('cancel')
  @HttpCode(202)
  cancel(@Caller() caller: Principal, @Body() raw: unknown): Promise<ManagedJobsCancelled> {
    return this.jobs.cancel(caller, readRestBody(ManagedJobsCancelBodySchema, raw));
  }
}

function idOf(raw: string): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id)) throw new SkyportError(ErrorCode.InvalidRequest, `'${raw}' is not a managed job id (a number, as 'skyport jobs queue' shows)`);
  return id;
}
