/** Resource overrides given on the command line (`--cpus`, `--gpus`, ...); they win over the task file. */
export interface TaskOverrides {
  cpus?: string;
  memory?: string;
  gpus?: string;
  numNodes?: number;
  imageId?: string;
  infra?: string;
  useSpot?: boolean;
  /** `-n/--name`: the task's name (the job's name in `queue`). */
  name?: string;
  /** `--ports` (repeatable): added to every resource choice's `ports` (`8080`, `'8000-8010'`, `'80,443'`). */
  ports?: string[];
  /** `--instance-type`: a cloud instance type, or on Kubernetes the pod shape `4CPU--16GB[--A100:1]`. */
  instanceType?: string;
  /** `--no-setup`: the task's `setup` is not run. */
  noSetup?: boolean;
}

export interface AutostopSetting {
  idleMinutes: number;
  down: boolean;
}

/** `POST /v1/clusters/:name/launch` and `POST /v1/clusters/:name/exec`. */
export interface LaunchRequestBody {
  /** The task as YAML text (as written by the user) or as an already-parsed object. */
  task: string | Record<string, unknown>;
  overrides?: TaskOverrides;
  /** `--env K=V`: fills or overrides `envs`. */
  envs?: Record<string, string>;
  /** `--secret K=V`: fills or overrides `secrets`; never echoed back. */
  secrets?: Record<string, string>;
  autostop?: AutostopSetting;
  /** Plan only: answer with the considered-resources table, launch nothing. */
  dryrun?: boolean;
  /** Do not fail over to another context or cloud; wait for capacity instead. */
  noBurst?: boolean;
  /**
   * `-r/--retry-until-up`: never fail for lack of capacity; keep planning again (every few seconds) until some
   * candidate — the next context or a cloud included, unlike `noBurst` — comes up.
   */
  retryUntilUp?: boolean;
  /** Order in the team's launch queue while its quota is full: higher first, -1000 to 1000 (0 when unset). */
  priority?: number;
  /** Refuse (409) instead of waiting in the queue when the team's quota is full. */
  failFast?: boolean;
}

/**
 * Every field of a launch body, the one list the api's reader allows (anything else is refused). Written as an
 * object so that a field added to `LaunchRequestBody` and not here (or the reverse) fails to compile.
 */
export const LAUNCH_BODY_FIELDS = Object.keys({
  task: true,
  overrides: true,
  envs: true,
  secrets: true,
  autostop: true,
  dryrun: true,
  noBurst: true,
  retryUntilUp: true,
  priority: true,
  failFast: true,
} satisfies Record<keyof LaunchRequestBody, true>) as ReadonlyArray<keyof LaunchRequestBody>;

export interface LaunchAccepted {
  requestId: string;
  clusterName: string;
  jobId?: number;
}
