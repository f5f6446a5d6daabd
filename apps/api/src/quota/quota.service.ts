import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { QueueName, type LaunchDemand, type QueueEntryView, type QuotaBody } from '@skyport/contracts';
export type { QueueEntryView };
import { LaunchQueueEntity, TeamQuotaEntity, recordEvent } from '@skyport/persistence';
import { addToOutbox } from '../outbox/add-to-outbox';
import { ZERO_DEMAND, addDemand, quotaProblem, readDemand, type Quota } from './demand';

/** The advisory lock key that serialises quota decisions of one team (`team` is a SQL expression). */
export function teamLockKeySql(team: string): string {
  return `hashtext('skyport-quota:' || ${team})`;
}

/** Whether a team's launches need a quota decision: it has a quota, or launches waiting (`team` a SQL expression). */
export function teamLimitedSql(team: string): string {
  return `(EXISTS (SELECT 1 FROM team_quotas WHERE team = ${team}) OR EXISTS (SELECT 1 FROM launch_queue WHERE team = ${team} AND state = 'queued'))`;
}

/** Why a launch of a team without a quota waits: a quota (or a queue) appeared while it was being accepted. */
export function quotaCheckReason(team: string): string {
  return `waiting for team '${team}' quota check`;
}

export interface Admission {
  admitted: boolean;
  position?: number;
  reason?: string;
}

/**
 * Team quotas and the launch queue. A launch that would take its team past its quota waits, in order of
 * priority then strictly first come first served: nothing behind the head of the queue starts before it, even
 * when it would fit. Admission runs in the launch's transaction and again whenever clusters end.
 */
@Injectable()
export class QuotaService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Sets the team's quota from a body read with QuotaBodySchema (absent or null: no limit). */
  async setQuota(team: string, body: QuotaBody): Promise<void> {
    await this.db.manager.upsert(
      TeamQuotaEntity,
      { team, maxCpus: body.maxCpus ?? null, maxMemoryGb: body.maxMemoryGb ?? null, maxGpus: body.maxGpus ?? null, maxClusters: body.maxClusters ?? null, maxStorageGb: body.maxStorageGb ?? null },
      ['team'],
    );
    await this.admitTeam(team);
  }

  /** Serialises quota decisions of one team across api replicas, for the rest of the transaction. */
  async lockTeam(tx: EntityManager, team: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${teamLockKeySql('$1')})`, [team]);
  }

  /** Whether the team's launches need a quota decision: it has a quota, or launches waiting. */
  private async limited(tx: EntityManager, team: string): Promise<boolean> {
    const rows: Array<{ limited: boolean }> = await tx.query(`SELECT ${teamLimitedSql('$1')} AS limited`, [team]);
    return Boolean(rows[0]?.limited);
  }

  /** Adds a launch to its team's queue and admits whatever fits, in order. Call inside the launch transaction. */
  async enqueue(tx: EntityManager, entry: { requestId: string; clusterName: string; team: string; priority: number; demand: LaunchDemand }): Promise<Admission> {
    if (!(await this.limited(tx, entry.team))) {
      // No quota, no queue: nothing to decide, so the team's launches share its lock instead of waiting for each
      // other's transactions. A quota decision (exclusive lock) still waits for them to commit, and counts them.
      await tx.query(`SELECT pg_advisory_xact_lock_shared(${teamLockKeySql('$1')})`, [entry.team]);
      const { demand, ...rest } = entry;
      if (!(await this.limited(tx, entry.team))) {
        await tx.insert(LaunchQueueEntity, { ...rest, demand, state: 'admitted', reason: null, admittedAt: new Date() });
        await addToOutbox(tx, QueueName.Optimize, { requestId: entry.requestId, clusterName: entry.clusterName });
        return { admitted: true };
      }
      // A quota (or a queue) appeared meanwhile. Holding the shared lock this transaction must not wait for the
      // exclusive one (two such would deadlock): the launch waits in line and the admission pass, run after every
      // committed event, decides on it.
      const reason = quotaCheckReason(entry.team);
      await tx.insert(LaunchQueueEntity, { ...rest, demand, state: 'queued', reason, admittedAt: null });
      const row = await tx.findOneByOrFail(LaunchQueueEntity, { requestId: entry.requestId });
      return { admitted: false, position: await this.position(tx, row), reason };
    }
    await this.lockTeam(tx, entry.team);
    await tx.insert(LaunchQueueEntity, { requestId: entry.requestId, clusterName: entry.clusterName, team: entry.team, priority: entry.priority, demand: entry.demand, state: 'queued', reason: null, admittedAt: null });
    await this.admit(tx, entry.team);
    const row = await tx.findOneByOrFail(LaunchQueueEntity, { requestId: entry.requestId });
    if (row.state === 'admitted') return { admitted: true };
    return { admitted: false, position: await this.position(tx, row), reason: row.reason ?? undefined };
  }

  /** Admits queued launches of a team that fit, in a transaction of its own (a cluster ended, a quota changed). */
  async admitTeam(team: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      await this.lockTeam(tx, team);
      return this.admit(tx, team);
    });
  }

  async teamsWithQueue(): Promise<string[]> {
    const rows: Array<{ team: string }> = await this.db.query(`SELECT DISTINCT team FROM launch_queue WHERE state = 'queued'`);
    return rows.map((r) => r.team);
  }

  /**
   * Walks the team's queue head first; admits while launches fit; the first that does not fit stops the walk.
   * Entries whose request ended meanwhile (another service ended it: the reconciler's watchdog) leave first.
   */
  private async admit(tx: EntityManager, team: string): Promise<number> {
    await this.dropEnded(tx, team);
    const queued = await tx.find(LaunchQueueEntity, { where: { team, state: 'queued' }, order: { priority: 'DESC', id: 'ASC' } });
    if (queued.length === 0) return 0;
    const quota = await this.quotaOf(tx, team);
    let used = await this.usage(tx, team);
    let admitted = 0;
    for (const [index, entry] of queued.entries()) {
      const demand = readDemand(entry.demand);
      const problem = quotaProblem(quota, used, demand);
      if (problem) {
        const reason = `team '${team}' quota: ${problem}`;
        if (entry.reason !== reason) await tx.update(LaunchQueueEntity, { id: entry.id }, { reason });
        for (const behind of queued.slice(index + 1)) {
          const waiting = `waiting behind ${index + 1 === 1 ? 'an earlier launch' : 'earlier launches'} of team '${team}' (strict first-come order)`;
          const r = behind.priority === entry.priority ? waiting : `waiting behind a higher-priority launch of team '${team}'`;
          if (behind.reason !== r) await tx.update(LaunchQueueEntity, { id: behind.id }, { reason: r });
        }
        break;
      }
      used = addDemand(used, demand);
      await tx.update(LaunchQueueEntity, { id: entry.id }, { state: 'admitted', admittedAt: new Date(), reason: null });
      await addToOutbox(tx, QueueName.Optimize, { requestId: entry.requestId, clusterName: entry.clusterName });
      if (entry.reason !== null) {
        // It had waited: say so on its timeline (a launch admitted at once has only its `request.accepted`).
        await recordEvent(tx, 'api', { type: 'request.admitted', message: `launch of cluster '${entry.clusterName}' left the queue: team '${team}' has room now`, requestId: entry.requestId, clusterName: entry.clusterName });
      }
      admitted++;
    }
    return admitted;
  }

  /**
   * This service is the queue's one writer: a queued launch whose request is no longer PENDING or RUNNING is gone,
   * so it is marked cancelled here (under the team's lock) rather than by whoever ended the request, and never
   * admitted nor counted ahead of anyone.
   */
  private async dropEnded(tx: EntityManager, team: string): Promise<void> {
    await tx.query(
      `UPDATE launch_queue q SET state = 'cancelled', reason = 'its request ended before it started'
        WHERE q.team = $1 AND q.state = 'queued'
          AND EXISTS (SELECT 1 FROM requests r WHERE r.id = q.request_id AND r.status NOT IN ('PENDING', 'RUNNING'))`,
      [team],
    );
  }

  private async quotaOf(tx: EntityManager, team: string): Promise<Quota | null> {
    const q = await tx.findOne(TeamQuotaEntity, { where: { team } });
    return q ? { maxCpus: q.maxCpus, maxMemoryGb: q.maxMemoryGb, maxGpus: q.maxGpus, maxClusters: q.maxClusters } : null;
  }

  /** What the team's live clusters hold: the demand of each live cluster's latest admitted launch. */
  async usage(tx: EntityManager, team: string): Promise<LaunchDemand> {
    const rows: Array<{ demand: unknown }> = await tx.query(
      `SELECT q.demand FROM launch_queue q JOIN clusters c ON c.name = q.cluster_name
        WHERE q.team = $1 AND q.state = 'admitted' AND c.status NOT IN ('TERMINATED', 'FAILED')
          AND q.id = (SELECT max(q2.id) FROM launch_queue q2 WHERE q2.cluster_name = q.cluster_name AND q2.state = 'admitted')`,
      [team],
    );
    return rows.reduce<LaunchDemand>((sum, r) => addDemand(sum, readDemand(r.demand)), { ...ZERO_DEMAND, gpus: {} });
  }

  async position(manager: EntityManager, row: LaunchQueueEntity): Promise<number> {
    const rows: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM launch_queue WHERE team = $1 AND state = 'queued' AND (priority > $2 OR (priority = $2 AND id < $3))`,
      [row.team, row.priority, row.id],
    );
    return Number(rows[0].n) + 1;
  }

  async entryFor(requestId: string): Promise<LaunchQueueEntity | null> {
    return this.db.manager.findOne(LaunchQueueEntity, { where: { requestId } });
  }

  /** Queued launches the caller may see (`teams` null: all), head first per team. */
  async list(teams: string[] | null, userIds: string[] | null): Promise<QueueEntryView[]> {
    const params: unknown[] = [];
    let where = `q.state = 'queued'`;
    if (teams) {
      params.push(teams);
      where += ` AND q.team = ANY($${params.length})`;
    }
    if (userIds) {
      params.push(userIds);
      where += ` AND r.owner = ANY($${params.length})`;
    }
    const rows: Array<{ request_id: string; cluster_name: string; team: string; priority: number; reason: string | null; enqueued_at: Date; demand: unknown; position: number }> =
      await this.db.query(
        `SELECT q.request_id, q.cluster_name, q.team, q.priority, q.reason, q.enqueued_at, q.demand,
                (SELECT count(*)::int FROM launch_queue o WHERE o.team = q.team AND o.state = 'queued' AND (o.priority > q.priority OR (o.priority = q.priority AND o.id < q.id))) + 1 AS position
           FROM launch_queue q JOIN requests r ON r.id = q.request_id WHERE ${where}
          ORDER BY q.team, q.priority DESC, q.id LIMIT 1000`,
        params,
      );
    return rows.map((r) => ({
      requestId: r.request_id,
      clusterName: r.cluster_name,
      team: r.team,
      priority: r.priority,
      position: Number(r.position),
      reason: r.reason,
      enqueuedAt: r.enqueued_at.toISOString(),
      demand: readDemand(r.demand),
    }));
  }

  /** Takes a still-queued launch out of the queue (its cluster was taken down before it started). */
  async cancelQueued(tx: EntityManager, requestId: string): Promise<boolean> {
    const result = await tx.update(LaunchQueueEntity, { requestId, state: 'queued' }, { state: 'cancelled', reason: 'cancelled before it started' });
    return (result.affected ?? 0) > 0;
  }

}
