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
} from '@skyport/contracts';
import { ManagedJobEntity, parseSecretsKey, recordEvent, sealSecrets } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import type { Principal } from '../auth/principal';
import { readLaunchBody, readQueueOptions } from '../launch/launch-body';
import { LaunchAdmission } from '../launch/launch-admission';
import { BlobService } from '../blobs/blob.service';
import { blobScopeOf } from '../blobs/blob-scope';
import { checkManagedJobBody } from './managed-job-body';
import { recoveryOf } from './managed-job-decision';
import { managedTaskId, toManagedJobView } from './managed-job-view';
import { ManagedJobRunner } from './managed-job-runner.service';

const SOURCE = 'api';

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

  /** Checks the task as a launch would (bounds, policy, placement, uploads), records the job PENDING; the runner launches it. */
  async submit(caller: Principal, raw: unknown): Promise<ManagedJobAccepted> {
    const body = readLaunchBody(raw);
    checkManagedJobBody(body);
    const queue = readQueueOptions(raw);
    const { placement, resolved } = await this.admission.admit(caller, body, RequestKind.Launch);
    const { task, secretValues } = resolved;
    // Uploaded files only (a local path is refused here); each attempt's launch records its own use of them.
    await this.blobs.checkTask(blobScopeOf(caller), task);
    const key = parseSecretsKey(this.config.SKYPORT_SECRETS_KEY);
    if (!key && Object.keys(secretValues).length) {
      throw new SkyportError(ErrorCode.DependencyUnavailable, 'this server cannot store task secrets: SKYPORT_SECRETS_KEY is not set; ask the operator to set it (32 random bytes, base64)');
    }
    const accepted = await this.db.transaction(async (tx) => {
      const row = await tx.save(ManagedJobEntity, tx.create(ManagedJobEntity, {
        name: task.name ?? null,
        owner: caller.userId,
        team: caller.team,
        status: ManagedJobStatus.Pending,
        task: task as never,
        launchOptions: {
          role: caller.role,
          ownerName: caller.name,
          ...(placement ? { placement } : {}),
          ...(queue.priority !== undefined ? { priority: queue.priority } : {}),
          ...(body.noBurst ? { noBurst: true } : {}),
          ...(body.retryUntilUp ? { retryUntilUp: true } : {}),
        },
        recovery: recoveryOf(task.resources[0]?.jobRecovery),
        taskId: 'pending',
      }));
      const sealed = key && Object.keys(secretValues).length ? sealSecrets(key, managedJobSecretsScope(row.id), secretValues) : null;
      const taskId = managedTaskId(row.id, row.name, row.submittedAt);
      await tx.update(ManagedJobEntity, { id: row.id }, { taskId, sealedSecrets: sealed });
      await recordEvent(tx, SOURCE, {
        type: managedJobEventType(ManagedJobStatus.Pending),
        message: `managed job ${row.id}${row.name ? ` '${row.name}'` : ''} submitted by ${caller.name}`,
        data: { managedJobId: row.id, status: ManagedJobStatus.Pending, team: caller.team },
      });
      return { id: row.id, name: row.name, status: row.status };
    });
    this.runner.wake();
    return accepted;
  }

  async list(caller: Principal, query: { all?: string } = {}): Promise<{ items: ManagedJobView[] }> {
    const rows = await this.visible(this.db.manager, caller).orderBy('j.id', 'DESC').limit(query.all === 'true' ? 10_000 : 1000).getMany();
    return { items: rows.map(toManagedJobView) };
  }

  async find(caller: Principal, id: number): Promise<ManagedJobView> {
    return toManagedJobView(await this.findRow(this.db.manager, caller, id));
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

