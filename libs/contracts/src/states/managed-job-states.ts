/**
 * A managed job's lifecycle, SkyPilot's names (`sky jobs queue`): PENDING → STARTING → RUNNING, RECOVERING while
 * its cluster is replaced after a loss, and one terminal state. CANCELLING lasts until its cluster is torn down.
 */
export enum ManagedJobStatus {
  Pending = 'PENDING',
  Starting = 'STARTING',
  Running = 'RUNNING',
  Recovering = 'RECOVERING',
  Succeeded = 'SUCCEEDED',
  Failed = 'FAILED',
  FailedNoResource = 'FAILED_NO_RESOURCE',
  Cancelling = 'CANCELLING',
  Cancelled = 'CANCELLED',
}

export const TERMINAL_MANAGED_JOB_STATUSES: ReadonlySet<ManagedJobStatus> = new Set([
  ManagedJobStatus.Succeeded,
  ManagedJobStatus.Failed,
  ManagedJobStatus.FailedNoResource,
  ManagedJobStatus.Cancelled,
]);
