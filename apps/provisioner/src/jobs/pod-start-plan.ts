import { JobStatus, RequestKind } from '@skyport/contracts';
import { JobEntity, readRequestSecrets, type RequestEntity } from '@skyport/persistence';
import type { DataSource } from 'typeorm';
import { jobEnvironment } from './job-env';
import { canStartInPod, podStartCommand, type PodJobStart } from './pod-start';
import { jobOwnerKey } from './node-scripts';

/**
 * SKYPORT_JOB_START=pod: the in-pod start of a Kubernetes launch's job (pod-start.ts), or undefined when that job
 * starts by exec as before — another request kind, the job no longer queued, files to sync into the nodes first,
 * or scripts too large for the pod. The environment is the job driver's (job-env.ts) without what the pod gets
 * otherwise: the node IPs (known once the pods run) and the secrets (the container has them from the cluster's
 * Secret, and a pod's spec is no place for them).
 */
export async function podJobStartFor(
  db: DataSource,
  input: { request: RequestEntity; clusterName: string; numNodes: number; infra: string; podSecrets: Record<string, string> },
): Promise<PodJobStart | undefined> {
  const { request, clusterName, numNodes } = input;
  if (request.kind !== RequestKind.Launch) return undefined;
  const job = await db.getRepository(JobEntity).findOne({ where: { clusterName, requestId: request.id } });
  if (!job || job.status !== JobStatus.Pending) return undefined;
  const task = job.task as { setup?: string; run?: string; envs?: Record<string, string | null>; workdir?: unknown; fileMounts?: unknown[] };
  const payloadTask = (request.payload as { task?: { workdir?: unknown; fileMounts?: unknown[] } }).task ?? {};
  if (!canStartInPod({ ...task, workdir: task.workdir ?? payloadTask.workdir, fileMounts: task.fileMounts ?? payloadTask.fileMounts })) return undefined;
  const secrets = await readRequestSecrets(db.manager, request.id);
  const hidden: Record<string, string> = { ...input.podSecrets, ...secrets };
  const taskId = (request.payload as { taskId?: unknown }).taskId;
  const nodes = Array.from({ length: numNodes }, () => ({ ip: '' }));
  const envOf = (rank: number) => {
    const env = jobEnvironment({ task, secrets, clusterName, jobId: job.jobId, nodes, rank, devices: job.devices ?? undefined, infra: input.infra, taskId: typeof taskId === 'string' ? taskId : undefined });
    // A secret's value stays out of the pod's spec; a variable the driver sets over a secret of that name stays in.
    return Object.fromEntries(Object.entries(env).filter(([k, v]) => hidden[k] !== v));
  };
  return {
    jobId: job.jobId,
    numNodes,
    commandOf: (rank) => podStartCommand({ jobId: job.jobId, numNodes, env: envOf(rank), setup: task.setup, run: task.run, owner: jobOwnerKey(job) }),
  };
}
