import type { ClusterStatus, JobStatus, RequestKind, RequestStatus } from '../states/states';

/** One entry of the timeline users see: every state change appends one. */
export interface EventView {
  id: string;
  at: string;
  type: string;
  message: string;
  requestId?: string;
  clusterName?: string;
  jobId?: number;
  data?: Record<string, unknown>;
}

export interface RequestView {
  requestId: string;
  kind: RequestKind;
  status: RequestStatus;
  clusterName: string;
  jobId?: number;
  createdAt: string;
  updatedAt: string;
  /** Set when the request failed: what went wrong, for people. */
  error?: { code: string; message: string };
  events: EventView[];
}

export interface ClusterView {
  name: string;
  status: ClusterStatus;
  /** `kubernetes/<context>` or `<cloud>/<region>` once placed. */
  infra?: string;
  namespace?: string;
  instanceType?: string;
  numNodes: number;
  resources?: string;
  createdAt: string;
  updatedAt: string;
  autostop?: { idleMinutes: number; down: boolean };
  statusReason?: string;
}

export interface JobView {
  clusterName: string;
  jobId: number;
  name?: string;
  status: JobStatus;
  submittedAt: string;
  startedAt?: string;
  endedAt?: string;
  exitCodes?: number[];
  /**
   * What the job holds on each node while it runs, as SkyPilot's RESOURCES column: `1x[CPU:0.5]`,
   * `2x[CPU:2, A100:1]`. Jobs whose resources fit side by side on the cluster run at once.
   */
  resources?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
