import { z } from 'zod';
import { isoTime } from './answer-fields';
import { RoleSchema } from './identity.dto';

/** `skyport check`, `show-gpus` and `api info` (`/v1/check`, `/v1/gpus`, `/v1/info`): answers, declared as in launch.dto.ts. */

/** How much of a resource a context's nodes offer to pods, and how much of that no pod has requested yet. */
export const ResourceAmountSchema = z.object({ allocatable: z.number(), free: z.number() });
export type ResourceAmount = z.infer<typeof ResourceAmountSchema>;

export const ContextGpuCheckSchema = z.object({
  /** Nodes with nvidia.com/gpu or amd.com/gpu capacity. */
  gpuNodes: z.number().int(),
  models: z.array(z.object({ gpu: z.string(), nodes: z.number().int(), total: z.number(), free: z.number() })),
  /** Empty when GPUs are usable; otherwise why not and what to do (no GPU capacity, unlabelled nodes, ...). */
  hint: z.string().meta({ description: 'Why no GPU can be used, when none can; empty otherwise.' }),
});
export type ContextGpuCheck = z.infer<typeof ContextGpuCheckSchema>;

export const MissingPermissionSchema = z.object({
  verb: z.string(),
  /** `pods`, `pods/exec`, `ingresses.networking.k8s.io`. */
  resource: z.string(),
  /** Absent for a cluster-scoped permission. */
  namespace: z.string().optional(),
  neededFor: z.string(),
  message: z.string(),
});
export type MissingPermission = z.infer<typeof MissingPermissionSchema>;

export const ContextPermissionsCheckSchema = z.object({
  /** False when the provisioner could not ask (the context did not answer, or the provisioner is older). */
  checked: z.boolean().meta({ description: 'False when the provisioner could not ask the API server (error says why).' }),
  error: z.string().optional(),
  /** The namespace launches on this context use, where namespaced permissions were asked. */
  namespace: z.string().meta({ description: 'Where the namespaced permissions were asked: the namespace launches use.' }),
  allowed: z.number().int(),
  total: z.number().int(),
  /** Each missing permission, with what stops working: `cannot create pods/exec in namespace X: exec, ssh and job start will fail`. */
  missing: z.array(MissingPermissionSchema),
});
export type ContextPermissionsCheck = z.infer<typeof ContextPermissionsCheckSchema>;

export const ContextCheckSchema = z.object({
  context: z.string(),
  namespace: z.string(),
  reachable: z.boolean(),
  error: z.string().optional(),
  nodes: z.number().int(),
  readyNodes: z.number().int(),
  snapshotAgeMs: z.number().int(),
  /** CPUs (cores) over all nodes; `free` counts only ready, schedulable nodes (where a pod can land now). */
  cpus: ResourceAmountSchema,
  /** Memory in GB (GiB) over all nodes, counted like `cpus`. */
  memoryGb: ResourceAmountSchema,
  /** GPU support from the capacity snapshot; `hint` says why none can be used, when none can. */
  gpus: ContextGpuCheckSchema.optional(),
  /** Every permission Skyport needs, asked with the context's credentials (SelfSubjectAccessReview). */
  permissions: ContextPermissionsCheckSchema.optional(),
});
export type ContextCheck = z.infer<typeof ContextCheckSchema>;

/** Whether Skyport can launch on a cloud, and why (not). */
export const CloudCheckSchema = z.object({
  cloud: z.string(),
  catalog: z.boolean(),
  instanceTypes: z.number().int(),
  regions: z.number().int(),
  /** Absent when the provisioner did not answer. */
  enabled: z.boolean().optional().meta({ description: 'Whether Skyport can launch VMs there (absent when the provisioner did not answer).' }),
  reason: z.string().optional().meta({ description: 'Why (not): where the credentials come from, or what is missing.' }),
});
export type CloudCheck = z.infer<typeof CloudCheckSchema>;

/** `skyport check`: what Skyport can launch on. */
export const CheckViewSchema = z.object({
  kubernetes: z.object({
    /** Whether the provisioner answered (it holds the live view of every context). */
    available: z.boolean(),
    error: z.string().optional(),
    contexts: z.array(ContextCheckSchema),
  }),
  clouds: z.array(CloudCheckSchema),
});
export type CheckView = z.infer<typeof CheckViewSchema>;

export const KubernetesGpuViewSchema = z.object({
  context: z.string(),
  gpu: z.string(),
  /** GPUs on the nodes with this model. */
  total: z.number(),
  free: z.number(),
  nodes: z.number().int(),
  /** Largest free count on one node: the most one pod can get. */
  maxFreePerNode: z.number(),
});
export type KubernetesGpuView = z.infer<typeof KubernetesGpuViewSchema>;

export const CloudGpuViewSchema = z.object({
  gpu: z.string(),
  counts: z.array(z.number()),
  /** The cheapest on-demand offering of this GPU, per GPU count 1 when sold so. */
  cheapest: z.object({ cloud: z.string(), instanceType: z.string(), count: z.number(), hourlyPrice: z.number(), region: z.string() }).optional(),
  clouds: z.array(z.string()),
});
export type CloudGpuView = z.infer<typeof CloudGpuViewSchema>;

/** `skyport show-gpus`. */
export const GpusViewSchema = z.object({
  kubernetes: z.object({ available: z.boolean(), error: z.string().optional(), gpus: z.array(KubernetesGpuViewSchema) }),
  clouds: z.array(CloudGpuViewSchema),
});
export type GpusView = z.infer<typeof GpusViewSchema>;

/** `skyport api info`. */
export const InfoViewSchema = z.object({
  name: z.literal('skyport'),
  version: z.string(),
  apiVersion: z.literal('v1'),
  auth: z.boolean(),
  user: z.object({ name: z.string(), role: RoleSchema, team: z.string().nullable() }).nullable(),
  serverTime: isoTime(),
  openapi: z.string(),
});
export type InfoView = z.infer<typeof InfoViewSchema>;
