import type { RecoveryStrategy } from '../placement/relaunch';
import type { ManagedJobStatus } from '../states/managed-job-states';
import type { LaunchRequestBody } from './launch.dto';

/** `job_recovery` as a managed job applies it (SkyPilot's fields). */
export interface ManagedJobRecovery {
  /** FAILOVER (default: a relaunch tries where the lost attempt ran first) or EAGER_NEXT_REGION (tries it last). */
  strategy: RecoveryStrategy;
  /** Restarts after the user's code failed (non-zero exit); 0 = none. */
  maxRestartsOnErrors: number;
  /** Exit codes that are recovered like a lost cluster, without counting as a restart. */
  recoverOnExitCodes: number[];
}

/** One task of a managed job (a pipeline has several, run in order; a plain job has one, index 0). */
export interface ManagedJobTaskView {
  /** 0-based position in the pipeline (SkyPilot's task id). */
  index: number;
  name: string | null;
  /** PENDING until its turn; CANCELLED when an earlier task failed or the job was cancelled before it ran. */
  status: ManagedJobStatus;
  /** `SKYPILOT_TASK_ID` of this task, the same on every recovery. */
  taskId: string;
  /** The cluster it runs (or last ran) on. */
  cluster: string | null;
  clusterJobId: number | null;
  recoveryCount: number;
  restartCount: number;
  failureReason: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

/** A managed job (`GET /v1/jobs`, `skyport jobs queue -o json`). */
export interface ManagedJobView {
  id: number;
  name: string | null;
  status: ManagedJobStatus;
  owner: string;
  team: string | null;
  /** Recoveries after the cluster was lost. */
  recoveryCount: number;
  /** Restarts after the user's code failed. */
  restartCount: number;
  /** The cluster the job runs on now (null before the first launch and once it ended). */
  cluster: string | null;
  /** The job's id on that cluster, for its logs. */
  clusterJobId: number | null;
  /** `SKYPILOT_TASK_ID` of the current task, the same across recoveries. */
  taskId: string;
  recovery: ManagedJobRecovery;
  failureReason: string | null;
  submittedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The task running now (0-based; the last one once the job ended). */
  currentTask: number;
  /** Every task in pipeline order (one for a plain job). */
  tasks: ManagedJobTaskView[];
  /** `serial`: the tasks run in order (a pipeline, or one task); `parallel`: a job group, all tasks at once. */
  execution: 'serial' | 'parallel';
  /** Dollars so far over all its clusters, priced as the cost report prices clusters (0 on Kubernetes). */
  cost: number;
}

/**
 * `POST /v1/jobs`: a launch body (`task` may be a multi-document YAML pipeline or job group), or `tasks` — the
 * pipeline's tasks in order, each YAML text or an object — with `name` naming the pipeline and `header` its header
 * document. `envs` and `secrets` apply to every task.
 */
export type ManagedJobRequestBody = Omit<LaunchRequestBody, 'task' | 'dryrun'> & {
  task?: LaunchRequestBody['task'];
  tasks?: Array<string | Record<string, unknown>>;
  name?: string;
  /**
   * With `tasks`: the pipeline file's header document as written. `execution: parallel` makes them a job group
   * (all tasks at once, each on its own cluster) with its `primary_tasks` and `termination_delay`.
   */
  header?: Record<string, unknown>;
  priority?: number;
};

/** The answer to `POST /v1/jobs`. */
export interface ManagedJobAccepted {
  id: number;
  name: string | null;
  status: ManagedJobStatus;
}

/** The answer to a cancel: the jobs that will be (or were already being) cancelled. */
export interface ManagedJobsCancelled {
  cancelled: number[];
}
