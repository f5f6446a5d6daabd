import { Controller, Get, Inject } from '@nestjs/common';
import type { QueueList } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { QuotaService } from './quota.service';

@Controller('v1')
export class QueueController {
  constructor(@Inject(QuotaService) private readonly quotas: QuotaService) {}

  /** Launches waiting for their team's quota, head first per team, with their position and why they wait. */
  @Get('queue')
  async list(@Caller() caller: Principal): Promise<QueueList> {
    if (caller.role === 'admin') return { items: await this.quotas.list(null, null) };
    if (!caller.team) return { items: await this.quotas.list(null, [caller.userId]) };
    return { items: await this.quotas.list([caller.team], null) };
  }
}
