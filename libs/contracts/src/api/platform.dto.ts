import type { ClusterView, EventView, JobView } from './views.dto';

/*
 * Shapes of the api's answers beyond the launch/request views: clusters, jobs, infra and the launch queue
 * (identity's, audit's and webhooks' are zod schemas: identity.dto.ts, webhook.dto.ts). The api returns them,
 * libs/client types its calls with them, and the OpenAPI document (apps/api/src/openapi) describes them; a test
 * checks live answers against that document.
 */

export interface QueueEntryView {
  requestId: string;
  clusterName: string;
  team: string;
  priority: number;
  /** 1 = next to launch in its team. */
  position: number;
  reason: string | null;
  enqueuedAt: string;
  demand: { cpus: number; memoryGb: number; gpus: Record<string, number>; clusters: number };
}

/** A cluster as lists show it: the contract's view plus who owns it. */
export interface ClusterSummary extends ClusterView {
  owner: string | null;
  team: string | null;
  /** The launch that placed it (its request). */
  requestId?: string;
  /** Set while its launch waits for the team's quota. */
  queued?: { position: number; reason: string | null };
}

export interface AttemptView {
  candidateId: string;
  outcome: string;
  reason?: string;
  startedAt: string;
  endedAt?: string;
}

export interface PlanSummary {
  planId: string;
  createdAt: string;
  numNodes: number;
  chosen?: { candidateId: string; instanceType: string; hourlyPrice: number; totalHourlyPrice: number; namespace?: string };
  candidates: Array<{ candidateId: string; feasible: boolean; reason?: string; totalHourlyPrice: number }>;
}

/** `status -v`: the cluster with its jobs, placement attempts, plan and latest events. */
export interface ClusterDetail extends ClusterSummary {
  jobs: { total: number; byStatus: Record<string, number>; latest: JobView[] };
  attempts: AttemptView[];
  plan?: PlanSummary;
  /** Nodes as the provisioner reported them in events (`cluster.nodes` data), when it did. */
  nodes: Array<Record<string, unknown>>;
  events: EventView[];
}

/** Port → address (`status --endpoints`); a port whose address is not published yet is absent. */
export type EndpointsView = Record<string, string>;

export interface CostReportItem {
  clusterName: string;
  status: string;
  infra?: string;
  owner: string | null;
  team: string | null;
  launchedAt: string;
  endedAt?: string;
  durationSeconds: number;
  hourlyPrice: number;
  totalCost: number;
}

export interface ContextCheck {
  context: string;
  namespace: string;
  reachable: boolean;
  error?: string;
  nodes: number;
  readyNodes: number;
  snapshotAgeMs: number;
  /** CPUs (cores) over all nodes; `free` counts only ready, schedulable nodes (where a pod can land now). */
  cpus: ResourceAmount;
  /** Memory in GB (GiB) over all nodes, counted like `cpus`. */
  memoryGb: ResourceAmount;
  /** GPU support from the capacity snapshot; `hint` says why none can be used, when none can. */
  gpus?: ContextGpuCheck;
  /** Every permission Skyport needs, asked with the context's credentials (SelfSubjectAccessReview). */
  permissions?: ContextPermissionsCheck;
}

export interface ContextGpuCheck {
  /** Nodes with nvidia.com/gpu or amd.com/gpu capacity. */
  gpuNodes: number;
  models: Array<{ gpu: string; nodes: number; total: number; free: number }>;
  /** Empty when GPUs are usable; otherwise why not and what to do (no GPU capacity, unlabelled nodes, ...). */
  hint: string;
}

export interface ContextPermissionsCheck {
  /** False when the provisioner could not ask (the context did not answer, or the provisioner is older). */
  checked: boolean;
  error?: string;
  /** The namespace launches on this context use, where namespaced permissions were asked. */
  namespace: string;
  allowed: number;
  total: number;
  /** Each missing permission, with what stops working: `cannot create pods/exec in namespace X: exec, ssh and job start will fail`. */
  missing: MissingPermission[];
}

export interface MissingPermission {
  verb: string;
  /** `pods`, `pods/exec`, `ingresses.networking.k8s.io`. */
  resource: string;
  /** Absent for a cluster-scoped permission. */
  namespace?: string;
  neededFor: string;
  message: string;
}

/** Whether Skyport can launch on a cloud, and why (not). */
export interface CloudCheck {
  cloud: string;
  catalog: boolean;
  instanceTypes: number;
  regions: number;
  /** Absent when the provisioner did not answer. */
  enabled?: boolean;
  reason?: string;
}

/** How much of a resource a context's nodes offer to pods, and how much of that no pod has requested yet. */
export interface ResourceAmount {
  allocatable: number;
  free: number;
}

/** `skyport check`: what Skyport can launch on. */
export interface CheckView {
  kubernetes: {
    /** Whether the provisioner answered (it holds the live view of every context). */
    available: boolean;
    error?: string;
    contexts: ContextCheck[];
  };
  clouds: CloudCheck[];
}

export interface KubernetesGpuView {
  context: string;
  gpu: string;
  /** GPUs on the nodes with this model. */
  total: number;
  free: number;
  nodes: number;
  /** Largest free count on one node: the most one pod can get. */
  maxFreePerNode: number;
}

export interface CloudGpuView {
  gpu: string;
  counts: number[];
  /** The cheapest on-demand offering of this GPU, per GPU count 1 when sold so. */
  cheapest?: { cloud: string; instanceType: string; count: number; hourlyPrice: number; region: string };
  clouds: string[];
}

/** `skyport show-gpus`. */
export interface GpusView {
  kubernetes: { available: boolean; error?: string; gpus: KubernetesGpuView[] };
  clouds: CloudGpuView[];
}

/** `skyport api info`. */
export interface InfoView {
  name: 'skyport';
  version: string;
  apiVersion: 'v1';
  auth: boolean;
  user: { name: string; role: string; team: string | null } | null;
  serverTime: string;
  openapi: string;
}
