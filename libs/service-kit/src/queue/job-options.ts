import type { JobsOptions } from 'bullmq';
import { QueueName } from '@skyport/contracts';

/**
 * Job options, in one place. Every job is idempotent and keyed (jobId), retried with exponential backoff; a job
 * that exhausts its attempts stays in the failed set (the dead-letter state the api shows) for a week.
 * Completed jobs are kept a day so a re-published job id within that window is de-duplicated by BullMQ.
 * Eight attempts 1 s apart, doubling, span about two minutes: a job that fails because Postgres or Redis is
 * restarting outlives an outage of a minute (the reconciler in autodown re-drives anything that still gives up).
 */
const DEFAULTS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

const PER_QUEUE: Partial<Record<QueueName, JobsOptions>> = {
  [QueueName.Teardown]: { attempts: 10 },
};

/**
 * How often a job may be found stalled (its worker died mid-job) before BullMQ fails it. The default, 1, meant a
 * provisioner killed twice during the same launches failed them all; a stalled job is safe to run again.
 */
export const MAX_STALLED_COUNT = 5;

export function jobOptionsFor(queue: QueueName): JobsOptions {
  return { ...DEFAULTS, ...PER_QUEUE[queue] };
}

/**
 * Worker concurrency per queue: provisioning waits on Kubernetes and planning on the database and the
 * provisioner's capacity answer, so many run at once (a burst of launches must not queue behind a few plans).
 */
export const WORKER_CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Optimize]: 32,
  [QueueName.Provision]: 32,
  [QueueName.Teardown]: 16,
  [QueueName.Exec]: 32,
  [QueueName.Autodown]: 8,
  [QueueName.ClusterPower]: 8,
};
