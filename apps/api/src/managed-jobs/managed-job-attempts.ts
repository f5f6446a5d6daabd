import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, ErrorCode, RequestKind, SkyportError, infraLocation, type JobGroupLaunch, type PrincipalView, type Relaunch } from '@skyport/contracts';
import { openSecrets, parseSecretsKey, type ManagedJobEntity } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { LaunchService } from '../launch/launch.service';
import { ClusterActionsService } from '../clusters/cluster-actions.service';
import { attemptClusterName } from './managed-job-view';

/**
 * A managed job's clusters: each attempt is an ordinary launch through LaunchService.accept (the same request,
 * cluster, job, quota and outbox rows as `skyport launch`), and each ends with the same teardown as `skyport down`.
 */
@Injectable()
export class ManagedJobAttempts {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LaunchService) private readonly launches: LaunchService,
    @Inject(ClusterActionsService) private readonly actions: ClusterActionsService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** The submitter, as the launch and teardown are checked and recorded for them. */
  principalOf(job: ManagedJobEntity): PrincipalView {
    const options = job.launchOptions;
    return { userId: job.owner, name: options.ownerName ?? job.owner, role: options.role ?? 'user', kind: 'user', team: job.team, tokenId: null };
  }

  /** Launches attempt `attempt` of the job (a job group's task carries its DNS names); returns its cluster and launch request. */
  async launch(job: ManagedJobEntity, attempt: number, jobGroup?: JobGroupLaunch): Promise<{ clusterName: string; requestId: string; jobId: number | null }> {
    const options = job.launchOptions;
    const clusterName = attemptClusterName(job.id, attempt);
    const outcome = await this.launches.accept({
      clusterName,
      // The body is only hashed (no idempotency key): the task is the one resolved at submit.
      body: { task: { managedJob: job.id, attempt }, noBurst: options.noBurst, retryUntilUp: options.retryUntilUp },
      resolved: { task: structuredClone(job.task), secretValues: this.secretsOf(job) },
      owner: job.owner,
      principal: this.principalOf(job),
      kind: RequestKind.Launch,
      priority: options.priority,
      placement: options.placement,
      taskId: job.taskId,
      relaunch: await this.relaunchOf(job, attempt),
      jobGroup,
    });
    return { clusterName, requestId: outcome.accepted.requestId, jobId: outcome.accepted.jobId ?? null };
  }

  /**
   * A relaunch carries where the job last ran (the latest earlier attempt that was placed) and its strategy, so the
   * optimizer orders the candidates by it. Read from the clusters table (a TERMINATED row keeps its infra), so a
   * relaunch retried after a restart of the api carries the same.
   */
  private async relaunchOf(job: ManagedJobEntity, attempt: number): Promise<Relaunch | undefined> {
    // A pipeline's next task starts with its counters at 0: its first launch is no relaunch of the previous task's.
    // Only this task's earlier attempts (one per recovery or restart): never where an earlier task of it ran.
    const relaunches = Math.min(job.recoveryCount + job.restartCount, attempt - 1);
    if (relaunches <= 0) return undefined;
    const earlier = Array.from({ length: relaunches }, (_, i) => attemptClusterName(job.id, attempt - 1 - i));
    const rows = (await this.db.query(`SELECT name, infra FROM clusters WHERE name = ANY($1) AND infra IS NOT NULL`, [earlier])) as Array<{ name: string; infra: string }>;
    const latest = earlier.map((name) => rows.find((r) => r.name === name)).find((r) => r !== undefined);
    const lost = infraLocation(latest?.infra);
    return lost ? { strategy: job.recovery.strategy, lost } : undefined;
  }

  /** `skyport down` of an attempt's cluster; nothing to do when it is already gone or going. */
  async tearDown(job: ManagedJobEntity, clusterName: string, status: ClusterStatus | null): Promise<void> {
    if (status === null || status === ClusterStatus.Terminated || status === ClusterStatus.TearingDown) return;
    try {
      await this.actions.down(this.principalOf(job), clusterName);
    } catch (error) {
      // Gone or ended meanwhile: what was wanted.
      if (error instanceof SkyportError && (error.code === ErrorCode.NotFound || error.code === ErrorCode.Conflict)) return;
      throw error;
    }
  }

  private secretsOf(job: ManagedJobEntity): Record<string, string> {
    if (!job.sealedSecrets) return {};
    const key = parseSecretsKey(this.config.SKYPORT_SECRETS_KEY);
    if (!key) throw new SkyportError(ErrorCode.DependencyUnavailable, `managed job ${job.id} has secrets but SKYPORT_SECRETS_KEY is no longer set`);
    return openSecrets(key, `managed-job:${job.id}`, job.sealedSecrets);
  }
}
