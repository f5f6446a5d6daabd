import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Caller, type Principal } from '../auth/principal';
import { str } from '../http/query-value';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { InfraService } from './infra.service';
import type { CheckView, GpusView, InfoView } from './infra.dto';
import { API_VERSION } from '../openapi/version';

@Controller('v1')
export class InfraController {
  constructor(
    @Inject(InfraService) private readonly infra: InfraService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('check')
  check(@Caller() _caller: Principal): Promise<CheckView> {
    return this.infra.check();
  }

  /** `?name=A100&cloud=aws` (`infra=` is the same as `cloud=`; `infra=kubernetes` leaves the clouds out). */
  @Get('gpus')
  gpus(@Caller() _caller: Principal, @Query() query: Record<string, string | undefined>): Promise<GpusView> {
    return this.infra.gpus({ name: str(query.name), cloud: str(query.cloud) ?? str(query.infra) });
  }

  @Get('info')
  info(@Caller() caller: Principal): InfoView {
    return {
      name: 'skyport',
      version: API_VERSION,
      apiVersion: 'v1',
      auth: this.config.SKYPORT_API_AUTH === 'on',
      user: caller ? { name: caller.name, role: caller.role, team: caller.team } : null,
      serverTime: new Date().toISOString(),
      openapi: '/v1/openapi.json',
    };
  }
}
