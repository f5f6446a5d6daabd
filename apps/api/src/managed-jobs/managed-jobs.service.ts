import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  ManagedJobStatus,
  RequestKind,
  SkyportError,
  TERMINAL_MANAGED_JOB_STATUSES,
  managedJobEventType,
  type ManagedJobAccepted,
  type ManagedJobView,
  type ManagedJobsCancelled,
  type Placement,
  type ManagedJobList,
} from '@skyport/contracts';
import { ManagedJobEntity, ManagedJobTaskEntity, entityPatch, parseSecretsKey, recordEvent, sealSecrets } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import type { Principal } from '../auth/principal';
import { checkJobGroupTasks, invalidTask, type JobGroupHeader, type TaskProblem } from '@skyport/task-spec';
import { readLaunchBody, readQueueOptions, type ResolvedTask } from '../launch/launch-body';
import { LaunchAdmission } from '../launch/launch-admission';
import { BlobService } from '../blobs/blob.service';
import { blobScopeOf } from '../blobs/blob-scope';
import { checkManagedJobBody } from './managed-job-body';
import { recoveryOf } from './managed-job-decision';
import { attemptClusterName, toManagedJobView } from './managed-job-view';
import { pipelineNames, pipelineOf, pipelineTaskIds } from './managed-job-pipeline';
import { costsOf, syncCurrentTask, tasksOf } from './managed-job-tasks';
import { ManagedJobRunner } from './managed-job-runner.service';
import { jobGroupOf } from './managed-job-group.service';
import { checkGroupDnsNames, refuseRunningGroupNamed } from './managed-job-group-names';

const SOURCE = 'api';
/** The most lines `jobs logs --controller` shows (a job that recovered very often). */
const CONTROLLER_LOG_LINES = 5000;

/** The AAD a managed job's secrets are sealed under (they are opened again for every attempt's launch). */
export function managedJobSecretsScope(id: number): string {
  return `managed-job:${id}`;
}

/** `POST/GET /v1/jobs`: accepts managed jobs and shows them, scoped to the caller's team. The runner drives them. */
@Injectable()
export class ManagedJobsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LaunchAdmission) private readonly admission: LaunchAdmission,
    @Inject(BlobService) private readonly blobs: BlobService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(ManagedJobRunner) private readonly runner: ManagedJobRunner,
  ) {}

  /**
   * Checks every task as a launch would (bounds, policy, placement, uploads), records the job PENDING with a row per
   * task (a pipeline has several, run in order); the runner launches them.
   */
  async submit(caller: Principal, raw: unknown): Promise<ManagedJobAccepted> {
    const pipeline = pipelineOf(raw);
    const queue = readQueueOptions(raw);
    const admitted: Array<ResolvedTask & { placement: Placement | undefined }> = [];
    for (const [i, taskBody] of pipeline.tasks.entries()) {
      try {
        const body = readLaunchBody({ ...pipeline.common, task: taskBody });
        checkManagedJobBody(body);
        const { placement, resolved } = await this.admission.admit(caller, body, RequestKind.Launch);
        // Uploaded files only (a local path is refused here); each attempt's launch records its own use of them.
        await this.blobs.checkTask(blobScopeOf(caller), resolved.task);
        admitted.push({ ...resolved, placement });
      } catch (error) {
        // Which task of a pipeline was refused, with the launch path's own message.
        if (error instanceof SkyportError && pipeline.tasks.length > 1) throw new SkyportError(error.code, `task ${i} of the pipeline: ${error.message}`, error.details);
        throw error;
      }
    }
    const body = readLaunchBody({ ...pipeline.common, task: pipeline.tasks[0] });
    const key = parseSecretsKey(this.config.SKYPORT_SECRETS_KEY);
    if (!key && admitted.some((t) => Object.keys(t.secretValues).length)) {
      throw new SkyportError(ErrorCode.DependencyUnavailable, 'this server cannot store task secrets: SKYPORT_SECRETS_KEY is not set; ask the operator to set it (32 random bytes, base64)');
    }
    const group = pipeline.group;
    if (group) {
      checkGroupTasks(group, admitted.map((t) => t.task.name));
      checkGroupDnsNames(group, admitted.map((t) => t.task));
      await refuseRunningGroupNamed(this.db.manager, group, caller.team, !!admitted[0]?.placement);
    }
    // A job group's tasks keep their own names (each is required and unique); a pipeline's are filled in as SkyPilot does.
    const names = group ? { name: group.name, tasks: admitted.map((t) => t.task.name ?? null) } : pipelineNames(pipeline.name, admitted.map((t) => t.task.name));
    admitted.forEach((t, i) => (t.task.name = names.tasks[i] ?? undefined));
    const first = admitted[0];
    const accepted = await this.db.transaction(async (tx) => {
      const row = await tx.save(ManagedJobEntity, tx.create(ManagedJobEntity, {
        name: names.name,
        owner: caller.userId,
        team: caller.team,
        status: ManagedJobStatus.Pending,
        task: first.task,
        launchOptions: {
          role: caller.role,
          ownerName: caller.name,
          ...(first.placement ? { placement: first.placement } : {}),
          ...(queue.priority !== undefined ? { priority: queue.priority } : {}),
          ...(body.noBurst ? { noBurst: true } : {}),
          ...(body.retryUntilUp ? { retryUntilUp: true } : {}),
          ...(group ? { jobGroup: group } : {}),
        },
        recovery: recoveryOf(first.task.resources[0]?.jobRecovery),
        taskId: 'pending',
      }));
      // SkyPilot's controller gives every task SKYPILOT_TASK_ID and the whole list, newline-joined, as SKYPILOT_TASK_IDS.
      const ids = pipelineTaskIds(row.id, row.submittedAt, names.name, names.tasks);
      const tasks = admitted.map((t, i) => {
        t.task.envs = { ...t.task.envs, SKYPILOT_TASK_IDS: ids.join('\n'), ...(group ? { SKYPILOT_JOBGROUP_NAME: group.name } : {}) };
        const sealed = key && Object.keys(t.secretValues).length ? sealSecrets(key, managedJobSecretsScope(row.id), t.secretValues) : null;
        return tx.create(ManagedJobTaskEntity, {
          jobId: row.id,
          taskIndex: i,
          name: names.tasks[i],
          task: t.task,
          recovery: recoveryOf(t.task.resources[0]?.jobRecovery),
          placement: t.placement ?? null,
          sealedSecrets: sealed,
          status: ManagedJobStatus.Pending,
          taskId: ids[i],
        });
      });
      await tx.save(ManagedJobTaskEntity, tasks);
      await tx.update(ManagedJobEntity, { id: row.id }, entityPatch<ManagedJobEntity>({ taskId: ids[0], task: tasks[0].task, sealedSecrets: tasks[0].sealedSecrets }));
      await recordEvent(tx, SOURCE, {
        type: managedJobEventType(ManagedJobStatus.Pending),
        message: `managed job ${row.id}${row.name ? ` '${row.name}'` : ''}${group ? ` (a job group of ${tasks.length} tasks, run at once)` : tasks.length > 1 ? ` (a pipeline of ${tasks.length} tasks)` : ''} submitted by ${caller.name}`,
        data: { managedJobId: row.id, status: ManagedJobStatus.Pending, team: caller.team, tasks: tasks.length },
      });
      return { id: row.id, name: row.name, status: row.status };
    });
    this.runner.wake();
    return accepted;
  }

  async list(caller: Principal, query: { all?: string } = {}): Promise<ManagedJobList> {
    const rows = await this.visible(this.db.manager, caller).orderBy('j.id', 'DESC').limit(query.all === 'true' ? 10_000 : 1000).getMany();
    return { items: await this.views(rows) };
  }

  async find(caller: Principal, id: number): Promise<ManagedJobView> {
    const [view] = await this.views([await this.findRow(this.db.manager, caller, id)]);
    return view;
  }

  /**
   * `skyport jobs logs --controller`: what the controller did with the job and what happened to its clusters (their
   * launch, provisioning, job and teardown events), oldest first, one line each.
   */
  async controllerLog(caller: Principal, id: number): Promise<string> {
    const job = await this.findRow(this.db.manager, caller, id);
    const clusters = Array.from({ length: job.attempt }, (_, i) => attemptClusterName(job.id, i + 1));
    const rows = (await this.db.query(
      `SELECT created_at, type, message, cluster_name FROM events
        WHERE (data ? 'managedJobId' AND data->>'managedJobId' = $1) OR cluster_name = ANY($2)
        ORDER BY id LIMIT ${CONTROLLER_LOG_LINES}`,
      [String(job.id), clusters],
    )) as Array<{ created_at: Date; type: string; message: string; cluster_name: string | null }>;
    return rows.map((e) => `${e.created_at.toISOString()} ${e.type}${e.cluster_name ? ` [${e.cluster_name}]` : ''} ${e.message.replace(/\n/g, ' ')}\n`).join('');
  }

  private async views(rows: ManagedJobEntity[]): Promise<ManagedJobView[]> {
    const [tasks, costs] = await Promise.all([tasksOf(this.db.manager, rows.map((r) => r.id)), costsOf(this.db.manager, rows)]);
    return rows.map((r) => toManagedJobView(r, tasks.get(r.id) ?? [], costs.get(r.id) ?? 0));
  }

  /** Marks the jobs CANCELLING (idempotent for one already cancelling or ended); the runner tears their clusters down. */
  async cancel(caller: Principal, request: { ids?: number[]; all?: boolean }): Promise<ManagedJobsCancelled> {
    const cancelled = await this.db.transaction(async (tx) => {
      let rows: ManagedJobEntity[];
      if (request.all) {
        rows = await this.visible(tx, caller).andWhere('j.status NOT IN (:...ended)', { ended: [...TERMINAL_MANAGED_JOB_STATUSES] }).setLock('pessimistic_write').getMany();
      } else {
        const ids = request.ids ?? [];
        if (!ids.length) throw new SkyportError(ErrorCode.InvalidRequest, 'name the managed job ids to cancel, or cancel all of them ({"all": true})');
        rows = [];
        for (const id of ids) rows.push(await this.findRow(tx, caller, id, true));
      }
      const ids: number[] = [];
      for (const row of rows) {
        if (TERMINAL_MANAGED_JOB_STATUSES.has(row.status)) continue;
        ids.push(row.id);
        if (row.status === ManagedJobStatus.Cancelling) continue;
        await tx.update(ManagedJobEntity, { id: row.id }, { status: ManagedJobStatus.Cancelling, updatedAt: new Date() });
        // A job group's tasks all run: each is cancelling until its cluster is gone (the runner tears them down).
        if (jobGroupOf(row)) await tx.query(`UPDATE managed_job_tasks SET status = $2 WHERE job_id = $1 AND status <> ALL($3)`, [row.id, ManagedJobStatus.Cancelling, [...TERMINAL_MANAGED_JOB_STATUSES]]);
        else await syncCurrentTask(tx, { ...row, status: ManagedJobStatus.Cancelling });
        await recordEvent(tx, SOURCE, {
          type: managedJobEventType(ManagedJobStatus.Cancelling),
          message: `managed job ${row.id}: cancel requested by ${caller.name}`,
          clusterName: row.clusterName,
          data: { managedJobId: row.id, status: ManagedJobStatus.Cancelling, from: row.status, team: row.team },
        });
      }
      return ids;
    });
    this.runner.wake();
    return { cancelled };
  }

  private visible(manager: EntityManager, caller: Principal) {
    const query = manager.createQueryBuilder(ManagedJobEntity, 'j');
    if (caller.role === 'admin') return query;
    return caller.team ? query.where('(j.team = :team OR j.owner = :owner)', { team: caller.team, owner: caller.userId }) : query.where('j.owner = :owner', { owner: caller.userId });
  }

  private async findRow(manager: EntityManager, caller: Principal, id: number, lock = false): Promise<ManagedJobEntity> {
    let query = this.visible(manager, caller).andWhere('j.id = :id', { id });
    if (lock) query = query.setLock('pessimistic_write');
    const row = Number.isInteger(id) && id > 0 && id < 2 ** 31 ? await query.getOne() : null;
    if (!row) throw new SkyportError(ErrorCode.NotFound, `no managed job ${id}`);
    return row;
  }
}

/** A job group's task names as task-spec checks them in a file (each named, unique, and the header's names among them). */
function checkGroupTasks(group: JobGroupHeader, names: Array<string | null | undefined>): void {
  const problems: TaskProblem[] = [];
  checkJobGroupTasks(group, names, (task, path, message) => problems.push({ path: [task === null ? 'header' : `tasks[${task}]`, ...path].join('.'), message }));
  if (problems.length) throw invalidTask(problems, `job group '${group.name}'`);
}
