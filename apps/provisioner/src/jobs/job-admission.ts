import { JobStatus, RequestKind } from '@skyport/contracts';
import { JobEntity } from '@skyport/persistence';
import { jobDemandOf, neverFitsReason, placeJob, type HeldDemand, type NodeResources } from '@skyport/task-spec';
import { In, type DataSource } from 'typeorm';
import { ACTIVE_JOB_STATUSES } from './job-records';

export interface Admission {
  /** Every job that holds resources now (started, or admitted and about to start), oldest first. */
  holding: JobEntity[];
  /** Queued jobs that wait for resources. */
  waiting: number;
  /** Queued jobs no node of the cluster can ever hold, with why: they end instead of blocking the queue. */
  neverFit: Array<{ job: JobEntity; reason: string }>;
}

/**
 * The job queue's scheduling step (SkyPilot's FIFOScheduler): queued jobs are admitted in submission order while
 * their demand fits what the jobs holding resources leave free on each node; the first one that does not fit
 * waits, and every later one waits behind it (SkyPilot submits one waiting job at a time, so nothing jumps the
 * queue). An admitted job holds its resources from `scheduled_at` until it ends.
 *
 * The step runs under the cluster row's lock, so two provisioner replicas (or two passes of one) admit against
 * the same picture and never hand out the same resources twice. With the nodes' resources unknown (a cluster
 * row without an instance type), jobs run one at a time.
 */
export async function admitJobs(db: DataSource, cluster: { name: string; requestId: string | null }, node: NodeResources | undefined): Promise<Admission> {
  const clusterName = cluster.name;
  return db.transaction(async (tx) => {
    await tx.query(`SELECT 1 FROM clusters WHERE name = $1 FOR UPDATE`, [clusterName]);
    const jobs = await tx.find(JobEntity, { where: { clusterName, status: In(ACTIVE_JOB_STATUSES) }, order: { jobId: 'ASC' } });
    // A launch's job holds what SkyPilot's does (its cpus and memory sized the nodes; see job-demand.ts).
    const requestIds = jobs.flatMap((j) => (j.requestId ? [j.requestId] : []));
    const launches = new Set(
      requestIds.length
        ? ((await tx.query(`SELECT id FROM requests WHERE id = ANY($1::uuid[]) AND kind = $2`, [requestIds, RequestKind.Launch])) as Array<{ id: string }>).map((r) => r.id)
        : [],
    );
    const demandOf = (j: JobEntity) => jobDemandOf(j.task, node, { launch: j.requestId !== null && launches.has(j.requestId) });
    const holds = (j: JobEntity) => j.status !== JobStatus.Pending || j.scheduledAt !== null;
    const holding = jobs.filter(holds);
    const held: HeldDemand[] = holding.map((j) => ({ demand: demandOf(j), devices: j.devices ?? [] }));
    const queued = jobs.filter((j) => !holds(j));
    const neverFit: Admission['neverFit'] = [];
    let admitted = 0;
    for (const job of queued) {
      const demand = demandOf(job);
      const reason = node ? neverFitsReason(demand, node) : undefined;
      // The launch that made the cluster fits it by construction (a name the node spells differently, say):
      // it runs alone rather than failing.
      const ownLaunch = reason !== undefined && job.requestId !== null && job.requestId === cluster.requestId;
      if (reason && !ownLaunch) {
        neverFit.push({ job, reason });
        continue;
      }
      const place = node && !ownLaunch ? placeJob(demand, node, held) : held.length === 0 ? { devices: [] } : undefined;
      if (!place) break;
      const devices = place.devices.length ? place.devices : null;
      const res = await tx
        .createQueryBuilder()
        .update(JobEntity)
        .set({ scheduledAt: () => 'now()', devices })
        .where('id = :id AND status = :pending AND scheduled_at IS NULL', { id: job.id, pending: JobStatus.Pending })
        .execute();
      if (!res.affected) continue;
      job.scheduledAt = new Date();
      job.devices = devices;
      holding.push(job);
      held.push({ demand, devices: place.devices });
      admitted++;
    }
    return { holding, waiting: queued.length - admitted - neverFit.length, neverFit };
  });
}
