import type { JobGroupHeader } from '../pipeline/job-group-header';

/**
 * The normalised task: what every service sees after `parseTaskYaml`. Plain JSON (no classes, no undefined
 * inside arrays) because it travels to the optimizer as `PlanRequest.task_json`.
 */
export interface TaskSpec {
  name?: string;
  /** Local directory (synced to the nodes) or a git repository. */
  workdir?: string | GitWorkdir;
  numNodes: number;
  /**
   * Every resource choice, fully resolved (the base `resources` merged into each `any_of`/`ordered` entry,
   * accelerator sets and lists expanded). Always at least one entry.
   */
  resources: ResourceRequest[];
  /** `any_of` / accelerator set: the optimizer picks the cheapest; `ordered` / accelerator list: in this order. */
  resourcesOrder: 'any' | 'ordered';
  /** Values as strings; `null` means "must be given at launch" (`--env K=V`). */
  envs: Record<string, string | null>;
  /** Like envs, but never echoed back; `null` means "must be given at launch" (`--secret K=V`). */
  secrets: Record<string, string | null>;
  fileMounts: FileMount[];
  setup?: string;
  run?: string;
  /** Mount path → volume name. */
  volumes: Record<string, string>;
  /** Mount path → a volume made with the cluster and deleted with it (SkyPilot's ephemeral volumes); absent: none. */
  ephemeralVolumes?: Record<string, EphemeralVolume>;
  config: TaskConfig;
  /** SkyServe section: validated, kept, unused by `launch` (as `sky launch` does). */
  service?: Record<string, unknown>;
  /** Keys that SkyPilot accepts and Skyport validates but ignores (e.g. `resources.disk_tier`). */
  ignoredKeys: string[];
}

export interface EphemeralVolume {
  /** GiB. */
  sizeGb: number;
  storageClassName?: string;
  accessMode: 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadWriteMany' | 'ReadOnlyMany';
}

export interface GitWorkdir {
  url: string;
  ref?: string;
}

export type ProviderName = 'kubernetes' | string;

export interface InfraSpec {
  /** `kubernetes` or a cloud name in lower case (`aws`, `gcp`, ...). */
  provider: ProviderName;
  /** Kubernetes context (may contain `/` and `:`); absent = any allowed context. */
  context?: string;
  /** Cloud region; absent or `*` = any. */
  region?: string;
  zone?: string;
}

export interface QuantityRequest {
  value: number;
  /** `N+`: at least N. */
  orMore: boolean;
}

export interface AcceleratorRequest {
  /** Canonical name from the accelerator table when known (`A100-80GB`), else as written. */
  name: string;
  /** May be fractional (`T4:0.5`), SkyPilot's shared-GPU form. */
  count: number;
}

export interface PortRange {
  from: number;
  to: number;
}

export interface ImageSpec {
  /** `docker:<image>` → docker; a bare value is kept as a VM/cloud image id (`ami-...`, `skypilot:...`) or an image reference. */
  kind: 'docker' | 'image';
  image: string;
}

export interface AutostopSpec {
  enabled: boolean;
  idleMinutes: number;
  down: boolean;
}

export interface ResourceRequest {
  infra?: InfraSpec;
  cpus?: QuantityRequest;
  /** Gigabytes. */
  memory?: QuantityRequest;
  accelerator?: AcceleratorRequest;
  acceleratorArgs?: Record<string, unknown>;
  instanceType?: string;
  useSpot: boolean;
  diskSizeGb?: number;
  diskTier?: string;
  networkTier?: string;
  image?: ImageSpec;
  ports: PortRange[];
  labels: Record<string, string>;
  autostop?: AutostopSpec;
  /** `resources.priority` (-1000..1000, higher first): the launch's place in its team's queue unless the request sets one. */
  priority?: number;
  /** `job_recovery` (or legacy `spot_recovery`), kept for managed jobs; unused by `launch`. */
  jobRecovery?: Record<string, unknown>;
}

export interface FileMount {
  /** Path on the nodes. */
  target: string;
  /** Local path or URL (`s3://...`, `gs://...`); absent for a named storage created empty. */
  source?: string;
  /** Storage options when given as an object (`name`, `store`, `mode`, `persistent`). */
  storage?: { name?: string; store?: string; mode?: string; persistent?: boolean };
}

export interface TaskConfig {
  kubernetes?: {
    podConfig?: Record<string, unknown>;
    /** Seconds. */
    provisionTimeout?: number;
    [key: string]: unknown;
  };
  /** The task's `config:` section as written (other sections such as `docker` or `gcp` are kept, unused). */
  raw: Record<string, unknown>;
}

/** What `parseTaskYaml` answers for a file: one task, or several for a pipeline (multi-document YAML). */
export interface ParsedTaskFile {
  tasks: TaskSpec[];
  /** Set for a multi-document file whose first document only names the pipeline (or a job group: its name). */
  pipelineName?: string;
  /** Set when the first document is a job group's header (`execution: parallel`): the tasks run at once. */
  jobGroup?: JobGroupHeader;
}

/** One problem found in a task file. */
export interface TaskProblem {
  /** Key path such as `resources.accelerators` ("" for the file itself). */
  path: string;
  message: string;
  line?: number;
  column?: number;
  /** 1-based document index in a multi-document file. */
  document?: number;
  /** Set when the key is one Skyport deliberately does not support. */
  unsupportedKey?: string;
}
