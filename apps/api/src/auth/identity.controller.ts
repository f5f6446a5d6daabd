import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ErrorCode,
  NamespacesBodySchema,
  QuotaBodySchema,
  SkyportError,
  TeamCreateSchema,
  TokenCreateSchema,
  UserCreateSchema,
  UserPatchSchema,
  readRestBody,
  type TeamList,
  type TokenList,
  type UserList,
} from '@skyport/contracts';
import { IdentityService } from './identity.service';
import { Caller, isAdmin, requireAdmin, type Principal } from './principal';
import type { TeamView, TokenCreated, TokenView, UserView } from './identity.dto';
import { QuotaService } from '../quota/quota.service';
import { SecretResponse } from '../http/idempotency.interceptor';

@Controller('v1')
export class IdentityController {
  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(QuotaService) private readonly quotas: QuotaService,
  ) {}

  /** The caller: who the token belongs to. */
  @Get('whoami')
  whoami(@Caller() caller: Principal): Principal {
    return caller;
  }

  @Get('users')
  async users(@Caller() caller: Principal): Promise<UserList> {
    if (isAdmin(caller)) return { items: await this.identity.listUsers() };
    return { items: caller.team ? await this.identity.listUsers(caller.team) : (await this.identity.listUsers()).filter((u) => u.id === caller.userId) };
  }

  @Post('users')
  @HttpCode(201)
  createUser(@Caller() caller: Principal, @Body() raw: unknown): Promise<UserView> {
    requireAdmin(caller);
    return this.identity.createUser(readRestBody(UserCreateSchema, raw));
  }

  @Patch('users/:user')
  updateUser(@Caller() caller: Principal, @Param('user') user: string, @Body() raw: unknown): Promise<UserView> {
    requireAdmin(caller);
    return this.identity.updateUser(user, readRestBody(UserPatchSchema, raw));
  }

  @Get('teams')
  async teams(@Caller() caller: Principal): Promise<TeamList> {
    if (isAdmin(caller)) return { items: await this.identity.listTeams() };
    return { items: caller.team ? [await this.identity.teamView(caller.team)] : [] };
  }

  @Post('teams')
  @HttpCode(201)
  createTeam(@Caller() caller: Principal, @Body() raw: unknown): Promise<TeamView> {
    requireAdmin(caller);
    return this.identity.createTeam(readRestBody(TeamCreateSchema, raw));
  }

  @Get('teams/:team')
  team(@Caller() caller: Principal, @Param('team') team: string): Promise<TeamView> {
    if (!isAdmin(caller) && caller.team !== team) throw new SkyportError(ErrorCode.NotFound, `no team '${team}'`);
    return this.identity.teamView(team);
  }

  @Put('teams/:team/namespaces')
  setNamespaces(@Caller() caller: Principal, @Param('team') team: string, @Body() raw: unknown): Promise<TeamView> {
    requireAdmin(caller);
    return this.identity.setNamespaces(team, readRestBody(NamespacesBodySchema, raw));
  }

  @Put('teams/:team/quota')
  async setQuota(@Caller() caller: Principal, @Param('team') team: string, @Body() raw: unknown): Promise<TeamView> {
    requireAdmin(caller);
    await this.identity.findTeam(team);
    await this.quotas.setQuota(team, readRestBody(QuotaBodySchema, raw));
    return this.identity.teamView(team);
  }

  /** The caller's tokens (an admin: everyone's, or one user's with `?user=`). */
  @Get('tokens')
  async tokens(@Caller() caller: Principal, @Query('user') user: string | undefined): Promise<TokenList> {
    if (!isAdmin(caller)) return { items: await this.identity.listTokens(caller.userId) };
    return { items: await this.identity.listTokens(user ? (await this.identity.getUser(user)).id : undefined) };
  }

  /** A new token for the caller, or (admin) for `user` — e.g. a service account. The token is shown only here. */
  @Post('tokens')
  @HttpCode(201)
  @SecretResponse()
  async createToken(@Caller() caller: Principal, @Body() raw: unknown): Promise<TokenCreated> {
    const body = readRestBody(TokenCreateSchema, raw);
    let userId = caller.userId;
    if (body.user !== undefined) {
      const target = await this.identity.getUser(body.user);
      if (target.id !== caller.userId) requireAdmin(caller);
      userId = target.id;
    }
    if (caller.tokenId === null && userId === 'anonymous') throw new SkyportError(ErrorCode.InvalidRequest, 'auth is off: there is no user to make a token for; name one with "user"');
    return this.identity.createToken(userId, body);
  }

  @Delete('tokens/:id')
  revokeToken(@Caller() caller: Principal, @Param('id') id: string): Promise<TokenView> {
    return this.identity.revokeToken(caller, id);
  }
}
