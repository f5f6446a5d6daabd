import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ClusterStatus,
  ErrorCode,
  JobStatus,
  QueueName,
  RequestKind,
  SkyportError,
  clusterNameProblem,
  type LaunchAccepted,
  type LaunchRequestBody,
  type JobGroupLaunch,
  type LaunchRequestPayload,
  type Placement,
  type Relaunch,
} from '@skyport/contracts';
import { ClusterEntity, RequestEntity, parseSecretsKey, recordEvent, storeRequestSecrets, type LaunchQueueEntity } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import { isBucketCopy, type TaskSpec } from '@skyport/task-spec';
import type { ApiConfig } from '../config';
import { bodyHash } from '../http/body-hash';
import { resolveTask, type ResolvedTask } from './launch-body';
import { outboxRow } from '../outbox/add-to-outbox';
import { insertLaunchRows } from './launch-rows';
import type { Principal } from '../auth/principal';
import { QuotaService, quotaCheckReason, teamLimitedSql, teamLockKeySql, type Admission } from '../quota/quota.service';
import { taskDemand } from '../quota/demand';
import { checkPlacement } from './placement';
import { BlobService } from '../blobs/blob.service';
import { blobScopeOf } from '../blobs/blob-scope';
import { isStillStopping, startStoppedCluster, stillStopping } from '../clusters/cluster-power';

const SOURCE = 'api';

export interface LaunchCall {
  clusterName: string;
  body: LaunchRequestBody;
  owner: string;
  idempotencyKey?: string;
  kind: RequestKind.Launch | RequestKind.Exec;
  /** The caller; `owner` is its user id. */
  principal: Principal;
  /** Queue order within the team: higher first. */
  priority?: number;
  /** Refuse instead of waiting when the team's quota is full. */
  failFast?: boolean;
  /** The team's namespaces, when it has any (launches are confined to them). */
  placement?: Placement;
  /**
   * The task already resolved: by LaunchAdmission for this request (parsed once per request), or a managed job's
   * next attempt relaunching what was accepted, secrets included. Resolved here when absent.
   */
  resolved?: ResolvedTask;
  /** `SKYPILOT_TASK_ID` of the job, when it must outlive this cluster (a managed job's, stable across recoveries). */
  taskId?: string;
  /** A managed job's relaunch after a loss: where the lost attempt ran and the job's recovery strategy. */
  relaunch?: Relaunch;
  /** A managed job group's task: the provisioner gives its pods the group's DNS names. */
  jobGroup?: JobGroupLaunch;
}

/** Whether a POST created a request or found the one a previous try of it created. */
export interface LaunchOutcome {
  /** `queued` is set when the launch waits for its team's quota. */
  accepted: LaunchAccepted & { queued?: { position: number; reason: string } };
  replayed: boolean;
}

const PG_UNIQUE_VIOLATION = '23505';

/** The locked cluster row as the launch needs it. */
interface LockedCluster {
  status: ClusterStatus;
  /** The provisioner's phase (the status may be an intent's: STOPPED while a stop is still under way). */
  phase: ClusterStatus;
  owner: string;
  requestId: string | null;
  /** The team of the cluster's owner. */
  ownerTeam: string | null;
  /** The caller's team has a quota or waiting launches (read with the lock; false without a team). */
  teamLimited: boolean;
}

@Injectable()
export class LaunchService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(QuotaService) private readonly quotas: QuotaService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(BlobService) private readonly blobs: BlobService,
  ) {}

  /** The key that seals task secrets; a launch with secrets on a server without one is refused, clearly. */
  private secretsKey(values: Record<string, string>): Buffer {
    const key = parseSecretsKey(this.config.SKYPORT_SECRETS_KEY);
    if (!key && Object.keys(values).length) {
      throw new SkyportError(ErrorCode.DependencyUnavailable, 'this server cannot store task secrets: SKYPORT_SECRETS_KEY is not set; ask the operator to set it (32 random bytes, base64)');
    }
    return key ?? Buffer.alloc(0);
  }

  /**
   * Writes the request, the cluster (INIT) and job (PENDING) rows, an event and the outbox row in ONE
   * transaction, then answers. The outbox relay publishes to BullMQ; nothing here talks to Redis or Kubernetes.
   */
  async accept(call: LaunchCall): Promise<LaunchOutcome> {
    const problem = clusterNameProblem(call.clusterName);
    if (problem) throw new SkyportError(ErrorCode.InvalidClusterName, problem, { clusterName: call.clusterName });
    const hash = bodyHash({ kind: call.kind, cluster: call.clusterName, body: call.body });
    if (call.idempotencyKey) {
      const previous = await this.findByKey(this.db.manager, call.owner, call.idempotencyKey);
      if (previous) return { accepted: this.replay(previous, hash), replayed: true };
    }
    const { task, secretValues } = call.resolved ?? resolveTask(call.body);
    // The request's priority, else the task's `resources.priority` (SkyPilot's field), else 0.
    const priority = call.priority ?? task.resources[0]?.priority ?? 0;
    if (call.placement) checkPlacement(task, call.placement);
    // Uploaded files only: a local path in the task is refused here, before anything is written.
    const scope = blobScopeOf(call.principal);
    const uploads = await this.blobs.checkTask(scope, task);
    try {
      const accepted = await this.db.transaction(async (tx) => {
        const requestId = randomUUID();
        const cluster = await this.lockOrCreateCluster(tx, call, requestId);
        // A launch on a STOPPED cluster starts it again (as `sky launch` does) and runs there: no new placement.
        const restart = call.kind === RequestKind.Launch && cluster.status === ClusterStatus.Stopped;
        const needsPlacement = call.kind === RequestKind.Launch && cluster.status !== ClusterStatus.Up && !restart;
        const team = needsPlacement ? call.principal.team : null;
        // The common launch — a team without a quota or a waiting queue — takes the team's shared lock with its job
        // id and then writes everything in one statement; other paths decide in steps, as they always did.
        const teamUnlimited = team !== null && !cluster.teamLimited;
        const jobId = teamUnlimited ? await this.shareTeamLockAndNextJobId(tx, call.clusterName, team) : await this.nextJobId(tx, call.clusterName);
        const acceptedEvent = {
          source: SOURCE,
          type: 'request.accepted' as const,
          message: needsPlacement
            ? `launch of cluster '${call.clusterName}' accepted (job ${jobId})`
            : `job ${jobId} queued on ${restart ? 'STOPPED (starting)' : 'running'} cluster '${call.clusterName}'`,
        };
        // Written with the rows when nothing else has to come between them and the event.
        const handOff =
          needsPlacement && (teamUnlimited || !team)
            ? outboxRow(QueueName.Optimize, { requestId, clusterName: call.clusterName })
            : call.kind === RequestKind.Exec
              ? outboxRow(QueueName.Exec, { requestId, clusterName: call.clusterName, jobId })
              : undefined;
        const rows = await insertLaunchRows(tx, {
          request: {
            id: requestId,
            kind: call.kind,
            clusterName: call.clusterName,
            jobId,
            owner: call.owner,
            idempotencyKey: call.idempotencyKey ?? null,
            bodyHash: hash,
            payload: {
              task,
              autostop: call.body.autostop ?? null,
              noBurst: call.body.noBurst ?? false,
              ...(call.body.retryUntilUp ? { retryUntilUp: true } : {}),
              priority,
              // Refuse instead of waiting (for quota here, for capacity in the optimizer).
              ...(call.failFast ? { failFast: true } : {}),
              // Where the team may run: the optimizer considers only these contexts/namespaces when set.
              ...(call.placement ? { placement: call.placement } : {}),
              ...(call.taskId ? { taskId: call.taskId } : {}),
              ...(call.relaunch ? { relaunch: call.relaunch } : {}),
              ...(call.jobGroup ? { jobGroup: call.jobGroup } : {}),
            } satisfies LaunchRequestPayload<TaskSpec>,
          },
          job: {
            name: task.name ?? null,
            // On a running cluster, a job with uploaded files or buckets to copy waits (INIT) until the provisioner
            // has synced them (provision/file-resync.service.ts), as `sky exec` syncs the workdir and `sky launch`
            // on an existing cluster re-runs the file_mounts before the job.
            status: (uploads.length || task.fileMounts.some(isBucketCopy)) && !needsPlacement ? JobStatus.Init : JobStatus.Pending,
            task,
          },
          ...(teamUnlimited ? { teamQueue: { team, priority, demand: taskDemand(task), waitingReason: quotaCheckReason(team) } } : {}),
          ...(handOff ? { outbox: handOff, event: acceptedEvent } : {}),
        });
        // Sealed with the server's key: the plaintext never reaches Postgres.
        await storeRequestSecrets(tx, this.secretsKey(secretValues), requestId, secretValues);
        await this.blobs.recordUses(tx, scope, uploads, requestId, call.clusterName);
        if (call.body.autostop) {
          await tx.update(ClusterEntity, { name: call.clusterName }, { autostopMinutes: call.body.autostop.idleMinutes, autostopDown: call.body.autostop.down });
        }
        let admission: Admission = { admitted: true };
        if (teamUnlimited && rows.limited) {
          // A quota (or a queue) appeared meanwhile: the launch waits in line and the admission pass decides on it.
          const reason = quotaCheckReason(team);
          admission = { admitted: false, reason, position: await this.quotas.position(tx, { id: rows.queueRowId, team, priority } as LaunchQueueEntity) };
        } else if (team && !teamUnlimited) {
          admission = await this.quotas.enqueue(tx, { requestId, clusterName: call.clusterName, team, priority, demand: taskDemand(task) });
        } else if (restart) {
          await startStoppedCluster(tx, call.principal, call.clusterName, { requestId, clusterName: call.clusterName, jobId });
        }
        if (!admission.admitted && call.failFast) {
          throw new SkyportError(ErrorCode.Conflict, `the launch would wait for quota (${admission.reason}); it was asked to fail fast, so nothing was launched`, {
            reason: 'QUOTA_EXCEEDED',
            quota: admission.reason,
          });
        }
        if (!handOff) await recordEvent(tx, SOURCE, { type: acceptedEvent.type, message: acceptedEvent.message, requestId, clusterName: call.clusterName, jobId });
        if (!admission.admitted) {
          const queued = { position: admission.position ?? 1, reason: admission.reason ?? '' };
          await recordEvent(tx, SOURCE, {
            type: 'request.queued',
            message: `launch of cluster '${call.clusterName}' waits in team '${call.principal.team}' queue at position ${admission.position}: ${admission.reason}`,
            requestId,
            clusterName: call.clusterName,
            data: { position: admission.position, reason: admission.reason },
          });
          return { requestId, clusterName: call.clusterName, jobId, queued };
        }
        return { requestId, clusterName: call.clusterName, jobId };
      });
      return { accepted, replayed: false };
    } catch (error) {
      // Two tries of the same request raced (the loser hit the key's unique index, or found the cluster taken by
      // the winner): the loser returns the winner's request.
      if (call.idempotencyKey && (isUniqueViolation(error) || (error instanceof SkyportError && error.code === ErrorCode.Conflict))) {
        const previous = await this.findByKey(this.db.manager, call.owner, call.idempotencyKey);
        if (previous) return { accepted: this.replay(previous, hash), replayed: true };
      }
      throw error;
    }
  }

  private replay(previous: RequestEntity, hash: string): LaunchAccepted {
    if (previous.bodyHash !== hash) {
      throw new SkyportError(
        ErrorCode.IdempotencyKeyReused,
        'this Idempotency-Key was already used for a different request; use a new key for a new request',
        { requestId: previous.id },
      );
    }
    return { requestId: previous.id, clusterName: previous.clusterName, jobId: previous.jobId ?? undefined };
  }

  private findByKey(manager: EntityManager, owner: string, key: string): Promise<RequestEntity | null> {
    return manager.findOne(RequestEntity, { where: { owner, idempotencyKey: key } });
  }

  /**
   * The cluster row, locked for this transaction; created INIT (or created anew from a terminal state) for a launch. Read
   * with its owner's team (for the ownership check) and whether the caller's team needs a quota decision (a hint:
   * the one-statement write checks it again under the team's lock).
   */
  private async lockOrCreateCluster(tx: EntityManager, call: LaunchCall, requestId: string): Promise<LockedCluster> {
    // One round trip: a new name is inserted, an existing row is locked by the no-op update (as FOR UPDATE would:
    // a concurrent launch of the name waits here until the other commits, then reads its row), and either way the
    // row comes back with its owner's team and the team-quota hint.
    const rows: Array<{ status: ClusterStatus; phase: ClusterStatus; owner: string; request_id: string | null; owner_team: string | null; team_limited: boolean }> = await tx.query(
      `INSERT INTO clusters AS c (name, phase, owner, request_id) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
       RETURNING c.status, c.phase, c.owner, c.request_id, (SELECT u.team FROM users u WHERE u.id::text = c.owner) AS owner_team,
                 ${call.principal.team ? teamLimitedSql('$5') : 'false'} AS team_limited`,
      [call.clusterName, ClusterStatus.Init, call.owner, requestId, ...(call.principal.team ? [call.principal.team] : [])],
    );
    if (!rows[0]) throw new SkyportError(ErrorCode.Internal, `cluster '${call.clusterName}' vanished while its launch was accepted; try again`);
    const cluster: LockedCluster = { status: rows[0].status, phase: rows[0].phase, owner: rows[0].owner, requestId: rows[0].request_id, ownerTeam: rows[0].owner_team, teamLimited: rows[0].team_limited };
    this.checkOwnership(call, cluster);
    if (call.kind === RequestKind.Exec) {
      if (cluster.status === ClusterStatus.Stopped) {
        throw new SkyportError(ErrorCode.Conflict, `cluster '${call.clusterName}' is STOPPED: run 'skyport start ${call.clusterName}'`, { status: cluster.status });
      }
      if (cluster.status !== ClusterStatus.Up) {
        throw new SkyportError(
          ErrorCode.Conflict,
          `cluster '${call.clusterName}' is ${cluster.status}, not UP; exec needs a running cluster (launch it with 'skyport launch -c ${call.clusterName} TASK.yaml')`,
          { status: cluster.status },
        );
      }
      return cluster;
    }
    if (cluster.status === ClusterStatus.Terminated || cluster.status === ClusterStatus.Failed) {
      // A launch of an ended cluster creates it anew: its first phase (the api's to write, as for a new name), no intent.
      await tx.update(ClusterEntity, { name: call.clusterName }, { phase: ClusterStatus.Init, intent: null, intentReason: null, requestId, phaseReason: null, infra: null, namespace: null });
      cluster.status = ClusterStatus.Init;
    } else if (isStillStopping(cluster)) {
      throw new SkyportError(ErrorCode.Conflict, stillStopping(call.clusterName), { status: cluster.status });
    } else if (cluster.status === ClusterStatus.TearingDown) {
      throw new SkyportError(ErrorCode.Conflict, `cluster '${call.clusterName}' is being torn down; wait for it to finish, then launch again`);
    } else if (cluster.requestId !== requestId && (cluster.status === ClusterStatus.Init || cluster.status === ClusterStatus.Provisioning)) {
      throw new SkyportError(
        ErrorCode.Conflict,
        `cluster '${call.clusterName}' is already being launched (request ${cluster.requestId}); follow it with 'skyport status ${call.clusterName}'`,
        { requestId: cluster.requestId },
      );
    }
    return cluster;
  }

  /** A cluster name belongs to the team that launched it: others get "not found" for exec, and a clear refusal for launch. */
  private checkOwnership(call: LaunchCall, cluster: LockedCluster): void {
    const principal = call.principal;
    if (principal.role === 'admin' || cluster.owner === principal.userId) return;
    if (principal.team && cluster.ownerTeam === principal.team) return;
    if (call.kind === RequestKind.Exec) throw new SkyportError(ErrorCode.NotFound, `no cluster '${call.clusterName}'`);
    throw new SkyportError(ErrorCode.Conflict, `the cluster name '${call.clusterName}' is in use by another team; choose another name`);
  }

  // After the cluster's lock (a statement of its own, so its snapshot sees every job committed before the lock).
  private async nextJobId(tx: EntityManager, clusterName: string): Promise<number> {
    const rows: Array<{ next: number }> = await tx.query(`SELECT COALESCE(MAX(job_id), 0) + 1 AS next FROM jobs WHERE cluster_name = $1`, [clusterName]);
    return Number(rows[0].next);
  }

  /**
   * The team's shared quota lock (launches of a team without a quota do not wait for each other; a quota decision
   * waits for them) and the job id, in one round trip.
   */
  private async shareTeamLockAndNextJobId(tx: EntityManager, clusterName: string, team: string): Promise<number> {
    const rows: Array<{ next: number }> = await tx.query(
      `SELECT pg_advisory_xact_lock_shared(${teamLockKeySql('$2')})::text AS locked, (SELECT COALESCE(MAX(job_id), 0) + 1 FROM jobs WHERE cluster_name = $1) AS next`,
      [clusterName, team],
    );
    return Number(rows[0].next);
  }

}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === PG_UNIQUE_VIOLATION;
}
