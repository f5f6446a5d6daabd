/** Resource overrides given on the command line (`--cpus`, `--gpus`, ...); they win over the task file. */
export interface TaskOverrides {
  cpus?: string;
  memory?: string;
  gpus?: string;
  numNodes?: number;
  imageId?: string;
  infra?: string;
  useSpot?: boolean;
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
}

export interface LaunchAccepted {
  requestId: string;
  clusterName: string;
  jobId?: number;
}
