import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  checkTaskPolicy,
  loadSkyportConfig,
  readTaskPolicyConfig,
  resolveTaskPolicy,
  taskPolicyError,
  type TaskPolicy,
  type TaskPolicyConfig,
} from '@skyport/config';
import { ErrorCode, SkyportError, type LaunchRequestBody } from '@skyport/contracts';
import { TeamPolicyEntity } from '@skyport/persistence';
import { isAdmin, type Principal } from '../auth/principal';
import { resolveTask, type ResolvedTask } from '../launch/launch-body';
import { ShortLivedCache } from '../http/short-lived-cache';

/** How long a team's policy is used without reading it again (a change made in another replica waits this long). */
export const POLICY_CACHE_MS = 1000;

export interface TeamPolicyView {
  team: string;
  /** What the admin set for this team (over the server config file's `policy:`). */
  policy: TaskPolicyConfig;
  /** The policy in force for the team's tasks. */
  effective: TaskPolicy;
}

/**
 * The admin's task policy: the server config file's `policy:` (trusted, read at start) layered with each team's
 * (set through the api, stored in team_policies). Every launch, exec and dry run of a non-admin passes `admit`
 * before anything is written; admins are trusted with the cluster like the config file is.
 */
@Injectable()
export class PolicyService {
  private readonly file: TaskPolicyConfig | undefined;
  /**
   * Each team's policy as read in the last second: every launch of a non-admin reads it. A change made through
   * this replica applies to its next launch; through another, within POLICY_CACHE_MS — and the provisioner checks
   * the stored policy again before it makes anything (task-guard), so a launch admitted meanwhile still meets it.
   */
  private readonly teams = new ShortLivedCache<string, TaskPolicyConfig | undefined>(POLICY_CACHE_MS);

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.file = loadSkyportConfig(process.env).config.policy;
  }

  async teamPolicy(team: string | null): Promise<TaskPolicyConfig | undefined> {
    if (!team) return undefined;
    return this.teams.remember(team, () =>
      this.db.query('SELECT policy FROM team_policies WHERE team = $1', [team]).then((rows: Array<{ policy: TaskPolicyConfig }>) => rows[0]?.policy ?? undefined),
    );
  }

  async effectiveFor(principal: Principal): Promise<TaskPolicy> {
    return resolveTaskPolicy(this.file, await this.teamPolicy(principal.team));
  }

  /** Tenancy is the server's choice (config file): `auto` turns it on once there is more than one team. */
  async tenancyOn(): Promise<boolean> {
    const mode = resolveTaskPolicy(this.file).tenancy;
    if (mode !== 'auto') return mode === 'on';
    const rows: Array<{ n: number }> = await this.db.query('SELECT count(*)::int AS n FROM teams');
    return Number(rows[0]?.n ?? 0) > 1;
  }

  /**
   * Bounds (with the caller's team limit on num_nodes) and, for a non-admin, the policy. Throws 400 for a bound,
   * 403 for a policy refusal, each naming the field and the rule. `teamNamespaces`: a namespace the task names
   * that is one of these is the team's own, not an override. Returns the task as resolved here, so the rest of the
   * launch uses it instead of parsing the body again (the team's num_nodes bound is never above the server's).
   */
  async admit(principal: Principal, body: LaunchRequestBody, teamNamespaces: string[] = []): Promise<ResolvedTask> {
    const policy = await this.effectiveFor(principal);
    const resolved = resolveTask(body, { numNodes: policy.max_num_nodes });
    if (isAdmin(principal)) return resolved;
    const kubernetes = (resolved.task.config.raw as { kubernetes?: Record<string, unknown> }).kubernetes;
    const violations = checkTaskPolicy({ kubernetes, numNodes: resolved.task.numNodes, ownNamespaces: teamNamespaces }, policy);
    if (violations.length > 0) throw taskPolicyError(violations);
    return resolved;
  }

  async getTeam(team: string): Promise<TeamPolicyView> {
    await this.requireTeam(team);
    const policy = (await this.teamPolicy(team)) ?? {};
    return { team, policy, effective: resolveTaskPolicy(this.file, policy) };
  }

  async setTeam(team: string, raw: unknown): Promise<TeamPolicyView> {
    await this.requireTeam(team);
    const policy = readTaskPolicyConfig(raw);
    await this.db.manager.upsert(TeamPolicyEntity, { team, policy }, ['team']);
    this.teams.delete(team);
    return this.getTeam(team);
  }

  async clearTeam(team: string): Promise<TeamPolicyView> {
    await this.requireTeam(team);
    await this.db.manager.delete(TeamPolicyEntity, { team });
    this.teams.delete(team);
    return this.getTeam(team);
  }

  private async requireTeam(team: string): Promise<void> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM teams WHERE name = $1', [team]);
    if (rows.length === 0) throw new SkyportError(ErrorCode.NotFound, `no team '${team}'`);
  }
}
