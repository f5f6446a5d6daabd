import { ClusterStatus, ErrorCode, JobStatus, ManagedJobStatus, RequestStatus, type ManagedJobRecovery, type RecoveryStrategy } from '@skyport/contracts';

/** What the controller sees of a managed job's current attempt: its launch request, cluster and job. */
export interface AttemptObservation {
  status: ManagedJobStatus;
  restartCount: number;
  recovery: ManagedJobRecovery;
  request: { status: RequestStatus; errorCode: string | null; errorMessage: string | null } | null;
  cluster: { status: ClusterStatus; statusReason: string | null } | null;
  job: { status: JobStatus; exitCodes: number[] | null; startedAt: Date | null } | null;
}

export type AttemptDecision =
  | { kind: 'wait' }
  | { kind: 'running' }
  | { kind: 'succeeded' }
  | { kind: 'failed'; reason: string }
  | { kind: 'failed-no-resource'; reason: string }
  /** The user's code failed and restarts are left: a new attempt, restart_count + 1. */
  | { kind: 'restart'; reason: string }
  /** The cluster was lost (or the exit code asks for it): a new attempt, recovery_count + 1. */
  | { kind: 'recover'; reason: string };

/** Launch failures that mean "nowhere to run it" (SkyPilot's FAILED_NO_RESOURCE). */
const NO_RESOURCE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.NoFeasibleResources,
  ErrorCode.Unschedulable,
  ErrorCode.ProviderUnavailable,
  ErrorCode.ProvisionTimeout,
  ErrorCode.KubernetesUnavailable,
]);

/**
 * The next step for a managed job whose attempt is under way (STARTING, RUNNING or RECOVERING), from what its
 * launch request, cluster and job say now. Pure: the controller applies it in one transaction.
 */
export function decideAttempt(o: AttemptObservation): AttemptDecision {
  const job = o.job;
  const launchFailed = o.request?.status === RequestStatus.Failed && !job?.startedAt && !job?.exitCodes?.length;
  if (launchFailed && job?.status !== JobStatus.FailedDriver) return launchFailure(o);
  if (job) {
    switch (job.status) {
      case JobStatus.Succeeded:
        return { kind: 'succeeded' };
      case JobStatus.Failed:
      case JobStatus.FailedSetup:
        return userFailure(o, job.status, job.exitCodes ?? []);
      case JobStatus.FailedDriver:
        return { kind: 'recover', reason: `the job's cluster was lost (${o.cluster?.statusReason ?? o.request?.errorMessage ?? 'its node stopped without an exit code'})` };
      case JobStatus.Cancelled:
        // Not cancelled through the managed job (that is CANCELLING): the cluster went away under it.
        return { kind: 'recover', reason: `the job was stopped on its cluster (${o.cluster?.statusReason ?? 'cluster gone'})` };
      case JobStatus.SettingUp:
      case JobStatus.Running:
        if (clusterGone(o)) return { kind: 'recover', reason: `the job's cluster is ${o.cluster?.status ?? 'gone'}: ${o.cluster?.statusReason ?? 'no reason recorded'}` };
        return o.status === ManagedJobStatus.Running ? { kind: 'wait' } : { kind: 'running' };
      default:
        break;
    }
  }
  // Not started yet: only a cluster that went away before its job started changes anything.
  if (clusterGone(o) && o.request?.status !== RequestStatus.Pending && o.request?.status !== RequestStatus.Running) {
    return { kind: 'recover', reason: `the job's cluster is ${o.cluster?.status ?? 'gone'} before the job started: ${o.cluster?.statusReason ?? 'no reason recorded'}` };
  }
  return { kind: 'wait' };
}

function clusterGone(o: AttemptObservation): boolean {
  return !o.cluster || o.cluster.status === ClusterStatus.Failed || o.cluster.status === ClusterStatus.Terminated || o.cluster.status === ClusterStatus.TearingDown;
}

function launchFailure(o: AttemptObservation): AttemptDecision {
  const code = o.request?.errorCode ?? '';
  const reason = `the launch failed${code ? ` (${code})` : ''}: ${o.request?.errorMessage ?? 'no reason recorded'}`;
  return NO_RESOURCE_CODES.has(code) ? { kind: 'failed-no-resource', reason } : { kind: 'failed', reason };
}

/** The user's code failed: recovered for a listed exit code, restarted while restarts are left, else FAILED. */
function userFailure(o: AttemptObservation, status: JobStatus, codes: number[]): AttemptDecision {
  const failing = codes.filter((c) => c !== 0);
  const what = `${status === JobStatus.FailedSetup ? 'setup' : 'the job'} exited with ${failing.length ? failing.join(', ') : 'an error'}`;
  if (failing.some((c) => o.recovery.recoverOnExitCodes.includes(c))) return { kind: 'recover', reason: `${what}, listed in recover_on_exit_codes` };
  if (o.restartCount < o.recovery.maxRestartsOnErrors) {
    return { kind: 'restart', reason: `${what}; restart ${o.restartCount + 1} of ${o.recovery.maxRestartsOnErrors} (max_restarts_on_errors)` };
  }
  const limit = o.recovery.maxRestartsOnErrors ? ` after ${o.restartCount} restart(s)` : '';
  return { kind: 'failed', reason: `${what}${limit}` };
}

/** `job_recovery` of a task (a string strategy or SkyPilot's object), with SkyPilot's defaults. */
export function recoveryOf(raw: Record<string, unknown> | undefined): ManagedJobRecovery {
  // The task's validation refused any other strategy; a job stored before that reads as the default.
  const strategy: RecoveryStrategy = typeof raw?.strategy === 'string' && raw.strategy.toUpperCase() === 'EAGER_NEXT_REGION' ? 'EAGER_NEXT_REGION' : 'FAILOVER';
  const max = Number(raw?.max_restarts_on_errors ?? 0);
  const codes = raw?.recover_on_exit_codes;
  const list = Array.isArray(codes) ? codes : codes === undefined || codes === null ? [] : [codes];
  return {
    strategy,
    maxRestartsOnErrors: Number.isInteger(max) && max > 0 ? max : 0,
    recoverOnExitCodes: list.map(Number).filter((c) => Number.isInteger(c)),
  };
}
