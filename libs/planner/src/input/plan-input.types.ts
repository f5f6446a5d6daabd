import type { Catalog, CloudName } from '@skyport/catalog';
import type { ProvisionerRpc } from '@skyport/contracts';

/*
 * The planner's view of a task. These interfaces are the subset of libs/task-spec's normalised `TaskSpec` that
 * planning reads, with the same field names and shapes, so a `TaskSpec` (or its JSON) is accepted as it is.
 */

export interface PlanQuantity {
  value: number;
  /** `N+`: at least N. */
  orMore: boolean;
}

export interface PlanInfra {
  /** `kubernetes` or a cloud name in lower case. */
  provider: string;
  /** Kubernetes context; absent = every allowed context. */
  context?: string;
  region?: string;
  zone?: string;
}

export interface PlanResources {
  infra?: PlanInfra;
  cpus?: PlanQuantity;
  /** Gigabytes (GiB on Kubernetes, as SkyPilot means them). */
  memory?: PlanQuantity;
  accelerator?: { name: string; count: number };
  instanceType?: string;
  useSpot: boolean;
  /** `image_id`: `docker:<image>` runs the task in that container (Kubernetes pods do; cloud VMs cannot yet). */
  image?: { kind: 'docker' | 'image'; image: string };
}

export interface PlanTask {
  numNodes: number;
  /** Every resource choice, fully resolved (base merged into each `any_of`/`ordered` entry). At least one. */
  resources: PlanResources[];
  /** `any`: cheapest first; `ordered`: the user's order first, cost within one entry. */
  resourcesOrder: 'any' | 'ordered';
}

/**
 * `kubernetes.pricing` (globally or in `context_configs.<context>`), in the config file's own keys: what an hour of
 * a pod costs on a context. Everything defaults to 0, so a context is free unless priced.
 */
export interface KubernetesPricing {
  /** USD per vCPU-hour. */
  cpu_per_hour?: number;
  /** USD per GB-hour. */
  memory_gb_per_hour?: number;
  /** USD per GPU-hour, by canonical accelerator name; the key `*` for any other GPU. */
  accelerators?: Record<string, number>;
}

export interface PlannerConfig {
  /** Kubernetes contexts that may be used (`kubernetes.allowed_contexts`). */
  allowedContexts: readonly string[];
  /** Per context; the key `*` applies to contexts without their own entry. */
  kubernetesPricing?: Readonly<Record<string, KubernetesPricing>>;
  /**
   * `kubernetes.autoscaler`: true for every context, or per context. With one, a request that fits no node now
   * is still feasible when a node of an existing shape could hold it.
   */
  autoscaler?: boolean | Readonly<Record<string, boolean>>;
  /** Clouds Skyport can launch on (credentials, a launcher). Others are shown with the reason, never chosen. */
  enabledClouds?: readonly CloudName[];
  /** `allowed_clouds`: clouds considered at all; absent = every cloud with a catalog. */
  consideredClouds?: readonly CloudName[];
}

export interface BlockedCandidateInput {
  candidateId: string;
  reason: string;
}

export interface PlanInput {
  task: PlanTask;
  /** The provisioner's snapshot; a context missing from it is reported as unknown. */
  capacity: readonly ProvisionerRpc.ContextCapacity[];
  catalog: Catalog;
  config: PlannerConfig;
  blocked?: readonly BlockedCandidateInput[];
  planId?: string;
  /** Why there is no capacity snapshot at all (e.g. the provisioner is unreachable). */
  capacityError?: string;
}

// Compile-time guarantee that a normalised TaskSpec is accepted as it is.
type Assignable<T extends U, U> = T;
export type TaskSpecIsPlanTask = Assignable<import('@skyport/task-spec').TaskSpec, PlanTask>;
