import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, RequestKind, SkyportError, type LaunchAccepted } from '@skyport/contracts';
import { readLaunchBody } from './launch-body';
import { LaunchService } from './launch.service';
import { DryrunService } from '../optimizer/dryrun.service';

const IDEMPOTENCY_KEY_MAX = 200;

@Controller('v1/clusters/:name')
export class LaunchController {
  constructor(
    @Inject(LaunchService) private readonly launches: LaunchService,
    @Inject(DryrunService) private readonly dryrun: DryrunService,
  ) {}

  /** 202 with the request id at once; the launch proceeds in the background (follow GET /v1/requests/:id). */
  @Post('launch')
  @HttpCode(202)
  async launch(
    @Param('name') name: string,
    @Body() raw: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LaunchAccepted | Record<string, unknown>> {
    const body = readLaunchBody(raw);
    if (body.dryrun) {
      res.status(200);
      return this.dryrun.plan(name, body);
    }
    const outcome = await this.launches.accept({ clusterName: name, body, owner: 'anonymous', idempotencyKey: checkKey(idempotencyKey), kind: RequestKind.Launch });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.setHeader('Location', `/v1/requests/${outcome.accepted.requestId}`);
    return outcome.accepted;
  }

  /** Queues a job on a running cluster (`skyport exec`). */
  @Post('exec')
  @HttpCode(202)
  async exec(
    @Param('name') name: string,
    @Body() raw: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LaunchAccepted> {
    const body = readLaunchBody(raw);
    const outcome = await this.launches.accept({ clusterName: name, body, owner: 'anonymous', idempotencyKey: checkKey(idempotencyKey), kind: RequestKind.Exec });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.setHeader('Location', `/v1/requests/${outcome.accepted.requestId}`);
    return outcome.accepted;
  }
}

function checkKey(key: string | undefined): string | undefined {
  if (key === undefined || key === '') return undefined;
  if (key.length > IDEMPOTENCY_KEY_MAX || !/^[\x21-\x7e]+$/.test(key)) {
    throw new SkyportError(ErrorCode.InvalidRequest, `the Idempotency-Key header must be 1–${IDEMPOTENCY_KEY_MAX} printable characters without spaces`);
  }
  return key;
}
