import { QueueName } from '@skyport/contracts';
import type { JobQueue } from '@skyport/service-kit';

/** Job states in which a job will still run (or is running): such a request is not stuck. */
const LIVE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused'] as const;

export interface LiveJobs {
  requestIds: Set<string>;
  teardownClusters: Set<string>;
}

/** The requests and teardowns that have a live job in the queues that drive launches, teardowns, stops and starts. */
export async function liveQueueJobs(queue: JobQueue, limit = 20_000): Promise<LiveJobs> {
  const live: LiveJobs = { requestIds: new Set(), teardownClusters: new Set() };
  for (const name of [QueueName.Optimize, QueueName.Provision, QueueName.Teardown, QueueName.ClusterPower]) {
    const jobs = await queue.queue(name).getJobs([...LIVE_STATES], 0, limit - 1);
    for (const job of jobs) {
      const data = (job?.data ?? {}) as { requestId?: string; clusterName?: string };
      if (data.requestId) live.requestIds.add(data.requestId);
      if (name === QueueName.Teardown && data.clusterName) live.teardownClusters.add(data.clusterName);
    }
  }
  return live;
}
