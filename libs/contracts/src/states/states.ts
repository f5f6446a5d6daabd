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
