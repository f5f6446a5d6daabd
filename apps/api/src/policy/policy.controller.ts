import { Body, Controller, Delete, Get, Inject, Param, Put } from '@nestjs/common';
import type { TaskPolicy } from '@skyport/config';
import { Caller, requireAdmin, type Principal } from '../auth/principal';
import { PolicyService, type TeamPolicyView } from './policy.service';

@Controller('v1')
export class PolicyController {
  constructor(@Inject(PolicyService) private readonly policies: PolicyService) {}

  /** The policy the caller's tasks are checked against (so a user can see why a launch was refused). */
  @Get('policy')
  async mine(@Caller() caller: Principal): Promise<{ team: string | null; tenancy: boolean; policy: TaskPolicy }> {
    return { team: caller.team, tenancy: await this.policies.tenancyOn(), policy: await this.policies.effectiveFor(caller) };
  }

  @Get('teams/:team/policy')
  get(@Caller() caller: Principal, @Param('team') team: string): Promise<TeamPolicyView> {
    requireAdmin(caller);
    return this.policies.getTeam(team);
  }

  /** Replaces the team's policy (keys of the config file's `policy:`; absent keys fall back to the file's). */
  @Put('teams/:team/policy')
  set(@Caller() caller: Principal, @Param('team') team: string, @Body() raw: unknown): Promise<TeamPolicyView> {
    requireAdmin(caller);
    return this.policies.setTeam(team, raw);
  }

  @Delete('teams/:team/policy')
  clear(@Caller() caller: Principal, @Param('team') team: string): Promise<TeamPolicyView> {
    requireAdmin(caller);
    return this.policies.clearTeam(team);
  }
}
