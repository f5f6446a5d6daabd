import type { RecoveryStrategy } from '../placement/relaunch';
import type { ManagedJobStatus } from '../states/managed-job-states';

/** `job_recovery` as a managed job applies it (SkyPilot's fields). */
export interface ManagedJobRecovery {
  /** FAILOVER (default: a relaunch tries where the lost attempt ran first) or EAGER_NEXT_REGION (tries it last). */
  strategy: RecoveryStrategy;
  /** Restarts after the user's code failed (non-zero exit); 0 = none. */
  maxRestartsOnErrors: number;
  /** Exit codes that are recovered like a lost cluster, without counting as a restart. */
  recoverOnExitCodes: number[];
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
  /** `SKYPILOT_TASK_ID`, the same across recoveries. */
  taskId: string;
  recovery: ManagedJobRecovery;
  failureReason: string | null;
  submittedAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

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
