import type { ClusterNode } from '@skyport/kube';
import type { TaskSpec } from '@skyport/task-spec';

/**
 * The environment of a job on one node: the task's envs, its secrets, and SkyPilot's variables
 * (SKYPILOT_NODE_RANK, SKYPILOT_NODE_IPS, SKYPILOT_NUM_NODES, SKYPILOT_NUM_GPUS_PER_NODE, SKYPILOT_TASK_ID,
 * and the SKYPILOT_SETUP_* forms during setup; CUDA_VISIBLE_DEVICES for a GPU job).
 */
export function jobEnvironment(input: {
  /** The stored task (jobs.task); a row from before a field existed may lack it. */
  task: Partial<Pick<TaskSpec, 'envs' | 'resources'>>;
  secrets: Record<string, string>;
  clusterName: string;
  jobId: number;
  nodes: Array<Pick<ClusterNode, 'ip'>>;
  rank: number;
  /** The cluster's `infra`: `kubernetes/<context>` or `<cloud>/<region>[/<zone>]`. */
  infra?: string | null;
  /** The GPU indices the job queue gave the job on each node (jobs sharing a node get their own). */
  devices?: number[];
  /** `SKYPILOT_TASK_ID` carried by the launch request (a managed job's, the same on every recovery); else one per job. */
  taskId?: string;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.task.envs ?? {})) if (typeof v === 'string') env[k] = v;
  Object.assign(env, input.secrets);
  const ips = input.nodes.map((n) => n.ip).join('\n');
  const gpus = input.task.resources?.[0]?.accelerator?.count ?? 0;
  Object.assign(env, {
    SKYPILOT_NODE_RANK: String(input.rank),
    SKYPILOT_NODE_IPS: ips,
    SKYPILOT_NUM_NODES: String(input.nodes.length),
    SKYPILOT_NUM_GPUS_PER_NODE: String(Math.ceil(gpus)),
    SKYPILOT_SETUP_NODE_RANK: String(input.rank),
    SKYPILOT_SETUP_NODE_IPS: ips,
    SKYPILOT_TASK_ID: input.taskId ?? `skyport-${input.clusterName}-${input.jobId}`,
    SKYPILOT_CLUSTER_INFO: JSON.stringify(clusterInfo(input.clusterName, input.nodes.length, input.infra)),
  });
  // SkyPilot's job runner hands a GPU job the devices it allocated (the container sees only the pod's own,
  // renumbered from 0): those the job queue gave it, else 0..n-1; a value the task set itself is kept.
  if (gpus > 0 && env.CUDA_VISIBLE_DEVICES === undefined) {
    const devices = input.devices?.length ? input.devices : Array.from({ length: Math.ceil(gpus) }, (_, i) => i);
    env.CUDA_VISIBLE_DEVICES = devices.join(',');
  }
  return env;
}

/** SkyPilot's spelling of each provider in `cloud` (jobs match it with `jq .cloud | grep -i aws`). */
const CLOUD_NAMES: Record<string, string> = { kubernetes: 'Kubernetes', aws: 'AWS', gcp: 'GCP', azure: 'Azure', lambda: 'Lambda', ibm: 'IBM' };

/**
 * `SKYPILOT_CLUSTER_INFO` as SkyPilot writes it: the cluster, the cloud it runs on, its region (a Kubernetes
 * context, as SkyPilot names it) and zone, the number of nodes and the provider's name.
 */
export function clusterInfo(clusterName: string, numNodes: number, infra: string | null | undefined): Record<string, unknown> {
  const [provider = 'kubernetes', region = null, zone = null] = (infra ?? 'kubernetes').split('/');
  return {
    cluster_name: clusterName,
    cloud: CLOUD_NAMES[provider] ?? provider,
    region,
    zone,
    num_nodes: numNodes,
    provider_name: provider,
  };
}
