/**
 * Cluster lifecycle: INIT → PROVISIONING → UP → (TEARING_DOWN → TERMINATED) | FAILED. A cloud VM cluster can also
 * be STOPPED (its VMs stopped, disks kept, no compute billed) and started again (STOPPED → UP); Kubernetes ones cannot.
 */
export enum ClusterStatus {
  Init = 'INIT',
  Provisioning = 'PROVISIONING',
  Up = 'UP',
  TearingDown = 'TEARING_DOWN',
  Terminated = 'TERMINATED',
  Failed = 'FAILED',
  Stopped = 'STOPPED',
}

/** Job lifecycle, SkyPilot's names: INIT → PENDING → SETTING_UP → RUNNING → a terminal state. */
export enum JobStatus {
  Init = 'INIT',
  Pending = 'PENDING',
  SettingUp = 'SETTING_UP',
  Running = 'RUNNING',
  Succeeded = 'SUCCEEDED',
  Failed = 'FAILED',
  FailedSetup = 'FAILED_SETUP',
  FailedDriver = 'FAILED_DRIVER',
  Cancelled = 'CANCELLED',
}

/** Request lifecycle: PENDING → RUNNING → SUCCEEDED | FAILED | CANCELLED. */
export enum RequestStatus {
  Pending = 'PENDING',
  Running = 'RUNNING',
  Succeeded = 'SUCCEEDED',
  Failed = 'FAILED',
  Cancelled = 'CANCELLED',
}

export enum RequestKind {
  Launch = 'launch',
  Exec = 'exec',
  Down = 'down',
  /** `skyport stop` / autostop of a cloud cluster: its VMs stopped, not terminated. */
  Stop = 'stop',
  /** `skyport start` (or a launch on a STOPPED cluster): its VMs started again. */
  Start = 'start',
}

export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set([
  JobStatus.Succeeded,
  JobStatus.Failed,
  JobStatus.FailedSetup,
  JobStatus.FailedDriver,
  JobStatus.Cancelled,
]);

export const TERMINAL_REQUEST_STATUSES: ReadonlySet<RequestStatus> = new Set([
  RequestStatus.Succeeded,
  RequestStatus.Failed,
  RequestStatus.Cancelled,
]);

export const TERMINAL_CLUSTER_STATUSES: ReadonlySet<ClusterStatus> = new Set([
  ClusterStatus.Terminated,
  ClusterStatus.Failed,
]);

/**
 * What a user (or autodown) asked of a live cluster that the provisioner has still to carry out: `down` (tear it
 * down) or `stop` (stop its VMs). Written by whoever accepts the request, in the transaction that accepts it; the
 * provisioner alone moves the cluster's phase.
 */
export type ClusterIntent = 'down' | 'stop';

/**
 * The status everyone reads (`clusters.status`, computed by Postgres from the two columns; this is the same rule
 * for code that holds both): the provisioner's phase, or the state a pending intent already fences the cluster
 * into — a `down` makes any live cluster TEARING_DOWN, a `stop` makes an UP one STOPPED. So a launch or a job in
 * flight loses to a `down` from the moment it is accepted, as it did when the api wrote the status itself.
 */
export function effectiveClusterStatus(phase: ClusterStatus, intent: ClusterIntent | null): ClusterStatus {
  if (intent === 'down' && phase !== ClusterStatus.Terminated) return ClusterStatus.TearingDown;
  if (intent === 'stop' && phase === ClusterStatus.Up) return ClusterStatus.Stopped;
  return phase;
}
