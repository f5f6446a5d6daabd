import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Response } from 'express';
import { runHealthChecks, standardHealthChecks } from '@skyport/service-kit';
import { metricsRegistry } from '@skyport/telemetry';
import type { HealthView } from '@skyport/contracts';

@Controller()
export class HealthController {
  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  @Get('healthz')
  async health(@Res() res: Response): Promise<void> {
    const result: HealthView = await runHealthChecks(standardHealthChecks(this.moduleRef));
    res.status(result.ok ? 200 : 503).json(result);
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('content-type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  }
}
