import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { ErrorCode, SkyportError, type NamespacesBody, type TokenCreate, type UserCreate, type UserPatch } from '@skyport/contracts';
import { ApiTokenEntity, TeamEntity, TeamNamespaceEntity, TeamQuotaEntity, UserEntity } from '@skyport/persistence';
import type { Principal, Role } from './principal';
import { hashToken, newToken, tokenPrefix } from './token-secret';
import { ShortLivedCache } from '../http/short-lived-cache';
import type { NamespaceView, TeamView, TokenCreated, TokenView, UserView } from './identity.dto';

/** How long a looked-up token is trusted without asking Postgres again (a revocation made in another replica waits this long). */
export const TOKEN_CACHE_MS = 1000;

interface TokenRow {
  token_id: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  id: string;
  name: string;
  role: Role;
  kind: 'user' | 'service';
  team: string | null;
  disabled_at: Date | null;
}

function toUserView(u: UserEntity): UserView {
  return { id: u.id, name: u.name, role: u.role as Role, kind: u.kind as 'user' | 'service', team: u.team, createdAt: u.createdAt.toISOString(), disabled: u.disabledAt !== null };
}

function toTokenView(t: ApiTokenEntity, userName: string): TokenView {
  const now = Date.now();
  const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= now ? 'expired' : 'active';
  return {
    id: t.id,
    name: t.name,
    userId: t.userId,
    userName,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    state,
  };
}

/** Users, service accounts, teams, their namespaces and bearer tokens. */
@Injectable()
export class IdentityService {
  private readonly lastUsedWritten = new Map<string, number>();
  /**
   * Tokens looked up in the last TOKEN_CACHE_MS, so a busy client costs one lookup a second instead of one a call.
   * A revocation, a disabled user or a role/team change made through this replica takes effect on its next call
   * (the cache is cleared); made through another replica, within TOKEN_CACHE_MS. Expiry is checked on every call.
   */
  private readonly recent = new ShortLivedCache<string, TokenRow | undefined>(TOKEN_CACHE_MS);

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The caller behind a bearer token, or null when the token is unknown, revoked, expired or its user disabled. */
  async authenticate(token: string): Promise<Principal | null> {
    const row = await this.lookUp(hashToken(token));
    if (!row || row.revoked_at || row.disabled_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) return null;
    this.touch(row.token_id);
    return { userId: row.id, name: row.name, role: row.role, kind: row.kind, team: row.team, tokenId: row.token_id };
  }

  /** One token lookup, shared by the calls that want it meanwhile and remembered for TOKEN_CACHE_MS (valid tokens only). */
  private lookUp(hash: string): Promise<TokenRow | undefined> {
    return this.recent.remember(
      hash,
      () =>
        this.db
          .query(
            `SELECT t.id AS token_id, t.expires_at, t.revoked_at, u.id, u.name, u.role, u.kind, u.team, u.disabled_at
               FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`,
            [hash],
          )
          .then((rows: TokenRow[]) => rows[0]),
      (row) => !!row && !row.revoked_at && !row.disabled_at,
    );
  }

  /** Forgets every remembered token: after a revocation or a user change in this replica, the next call looks it up. */
  private forgetTokens(): void {
    this.recent.clear();
  }

  /** Records when a token was last used, at most once a minute per token (not a write per request). */
  private touch(tokenId: string): void {
    const now = Date.now();
    if ((this.lastUsedWritten.get(tokenId) ?? 0) > now - 60_000) return;
    this.lastUsedWritten.set(tokenId, now);
    void this.db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [tokenId]).catch(() => undefined);
  }

  async userCount(): Promise<number> {
    return this.db.manager.count(UserEntity);
  }

  // --- users -------------------------------------------------------------------------------------------------

  async createUser(input: UserCreate): Promise<UserView> {
    const { name } = input;
    const role = input.role ?? 'user';
    const kind = input.kind ?? 'user';
    const team = input.team ?? null;
    if (team !== null) await this.findTeam(team);
    if (await this.db.manager.findOne(UserEntity, { where: { name } })) throw new SkyportError(ErrorCode.Conflict, `a user named '${name}' already exists`);
    const user = this.db.manager.create(UserEntity, { id: randomUUID(), name, role, kind, team, disabledAt: null });
    await this.db.manager.insert(UserEntity, user);
    return toUserView(await this.db.manager.findOneByOrFail(UserEntity, { id: user.id }));
  }

  async listUsers(team?: string): Promise<UserView[]> {
    const users = await this.db.manager.find(UserEntity, { where: team ? { team } : {}, order: { name: 'ASC' }, take: 1000 });
    return users.map(toUserView);
  }

  async getUser(ref: string): Promise<UserEntity> {
    const user = /^[0-9a-f-]{36}$/i.test(ref)
      ? await this.db.manager.findOne(UserEntity, { where: { id: ref } })
      : await this.db.manager.findOne(UserEntity, { where: { name: ref } });
    if (!user) throw new SkyportError(ErrorCode.NotFound, `no user '${ref}'`);
    return user;
  }

  async updateUser(ref: string, input: UserPatch): Promise<UserView> {
    const user = await this.getUser(ref);
    const patch: Partial<UserEntity> = {};
    if (input.role !== undefined) patch.role = input.role;
    if (input.team !== undefined) {
      patch.team = input.team;
      if (patch.team) await this.findTeam(patch.team);
    }
    if (input.disabled !== undefined) patch.disabledAt = input.disabled ? new Date() : null;
    if (Object.keys(patch).length) await this.db.manager.update(UserEntity, { id: user.id }, patch);
    this.forgetTokens();
    return toUserView(await this.db.manager.findOneByOrFail(UserEntity, { id: user.id }));
  }

  // --- teams -------------------------------------------------------------------------------------------------

  async createTeam({ name }: { name: string }): Promise<TeamView> {
    const inserted = await this.db.query('INSERT INTO teams (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING name', [name]);
    if (inserted.length === 0) throw new SkyportError(ErrorCode.Conflict, `a team named '${name}' already exists`);
    return this.teamView(name);
  }

  async findTeam(name: string): Promise<TeamEntity> {
    const team = await this.db.manager.findOne(TeamEntity, { where: { name } });
    if (!team) throw new SkyportError(ErrorCode.NotFound, `no team '${name}'; create it first (POST /v1/teams)`);
    return team;
  }

  async listTeams(): Promise<TeamView[]> {
    const teams = await this.db.manager.find(TeamEntity, { order: { name: 'ASC' }, take: 1000 });
    return Promise.all(teams.map((t) => this.teamView(t.name)));
  }

  async teamView(name: string): Promise<TeamView> {
    const team = await this.findTeam(name);
    const namespaces = await this.db.manager.find(TeamNamespaceEntity, { where: { team: name }, order: { context: 'ASC', namespace: 'ASC' } });
    const quota = await this.db.manager.findOne(TeamQuotaEntity, { where: { team: name } });
    const members = await this.db.manager.count(UserEntity, { where: { team: name } });
    return {
      name: team.name,
      createdAt: team.createdAt.toISOString(),
      members,
      namespaces: namespaces.map((n) => ({ context: n.context, namespace: n.namespace })),
      quota: quota
        ? { maxCpus: quota.maxCpus, maxMemoryGb: quota.maxMemoryGb, maxGpus: quota.maxGpus, maxClusters: quota.maxClusters, maxStorageGb: quota.maxStorageGb }
        : null,
    };
  }

  /** Replaces the team's namespaces (per context) with the given list. */
  async setNamespaces(team: string, { namespaces: rows }: NamespacesBody): Promise<TeamView> {
    await this.findTeam(team);
    await this.db.transaction(async (tx) => {
      await tx.delete(TeamNamespaceEntity, { team });
      for (const row of rows) await tx.query('INSERT INTO team_namespaces (team, context, namespace) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [team, row.context, row.namespace]);
    });
    return this.teamView(team);
  }

  async namespacesOf(team: string): Promise<NamespaceView[]> {
    const rows = await this.db.manager.find(TeamNamespaceEntity, { where: { team } });
    return rows.map((r) => ({ context: r.context, namespace: r.namespace }));
  }

  // --- tokens ------------------------------------------------------------------------------------------------

  /** Creates a token for a user; the token itself is in the answer and nowhere else, ever. */
  async createToken(userId: string, input: Pick<TokenCreate, 'name' | 'expiresInDays' | 'expiresAt'>, fixedToken?: string): Promise<TokenCreated> {
    const { name } = input;
    let expiresAt: Date | null = null;
    if (input.expiresInDays !== undefined && input.expiresInDays !== null) expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
    if (input.expiresAt !== undefined && input.expiresAt !== null) expiresAt = new Date(input.expiresAt);
    const token = fixedToken ?? newToken();
    const id = randomUUID();
    await this.db.manager.insert(ApiTokenEntity, { id, userId, name, tokenHash: hashToken(token), prefix: tokenPrefix(token), expiresAt, revokedAt: null, lastUsedAt: null });
    const user = await this.db.manager.findOneByOrFail(UserEntity, { id: userId });
    const row = await this.db.manager.findOneByOrFail(ApiTokenEntity, { id });
    return { ...toTokenView(row, user.name), token };
  }

  async listTokens(userId?: string): Promise<TokenView[]> {
    const rows: Array<ApiTokenEntity & { userName: string }> = [];
    const tokens = await this.db.manager.find(ApiTokenEntity, { where: userId ? { userId } : {}, order: { createdAt: 'DESC' }, take: 1000 });
    const users = new Map((await this.db.manager.find(UserEntity)).map((u) => [u.id, u.name]));
    for (const t of tokens) rows.push(Object.assign(t, { userName: users.get(t.userId) ?? '?' }));
    return rows.map((t) => toTokenView(t, t.userName));
  }

  /** Revokes a token; only its owner or an admin may. Others' tokens are "not found". */
  async revokeToken(principal: Principal, tokenId: string): Promise<TokenView> {
    const token = /^[0-9a-f-]{36}$/i.test(tokenId) ? await this.db.manager.findOne(ApiTokenEntity, { where: { id: tokenId } }) : null;
    if (!token || (principal.role !== 'admin' && token.userId !== principal.userId)) throw new SkyportError(ErrorCode.NotFound, `no token '${tokenId}'`);
    await this.db.manager.update(ApiTokenEntity, { id: token.id, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.forgetTokens();
    const user = await this.db.manager.findOneByOrFail(UserEntity, { id: token.userId });
    return toTokenView(await this.db.manager.findOneByOrFail(ApiTokenEntity, { id: token.id }), user.name);
  }
}
