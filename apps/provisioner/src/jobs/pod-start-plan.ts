import { JobStatus, RequestKind, launchPayloadOf } from '@skyport/contracts';
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
  const task = job.task;
  const launch = launchPayloadOf(request.payload);
  // A job row written before it kept them: the launch request's task says whether there are files to sync.
  if (!canStartInPod({ ...task, workdir: task.workdir ?? launch?.task.workdir, fileMounts: task.fileMounts ?? launch?.task.fileMounts })) return undefined;
  const secrets = await readRequestSecrets(db.manager, request.id);
  const hidden: Record<string, string> = { ...input.podSecrets, ...secrets };
  const taskId = launch?.taskId;
  const nodes = Array.from({ length: numNodes }, () => ({ ip: '' }));
  const envOf = (rank: number) => {
    const env = jobEnvironment({ task, secrets, clusterName, jobId: job.jobId, nodes, rank, devices: job.devices ?? undefined, infra: input.infra, taskId });
    // A secret's value stays out of the pod's spec; a variable the driver sets over a secret of that name stays in.
    return Object.fromEntries(Object.entries(env).filter(([k, v]) => hidden[k] !== v));
  };
  return {
    jobId: job.jobId,
    numNodes,
    commandOf: (rank) => podStartCommand({ jobId: job.jobId, numNodes, env: envOf(rank), setup: task.setup, run: task.run, owner: jobOwnerKey(job) }),
  };
}
