import type { RetryPolicy } from './retry-policy';
import type { CostReportPage, DryrunPlan, OptimizerRpc } from '@skyport/contracts';

export interface ClientOptions {
  /** `http://127.0.0.1:26580`; a trailing slash is ignored. */
  endpoint: string;
  token?: string;
  /** Per-request timeout for non-streaming calls (ms). */
  timeoutMs?: number;
  /** For tests: a fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
  /** Sent as User-Agent. */
  userAgent?: string;
  /** Retries of calls that are safe to repeat (default: 6, 0.5 s doubling to 8 s; `{ retries: 0 }` turns them off). */
  retry?: Partial<RetryPolicy>;
}

/** `POST /v1/clusters/:name/launch` with `dryrun: true` answers the plan (the contract's DryrunPlan, its plan typed). */
export type DryrunResponse = Omit<DryrunPlan, 'plan'> & { plan: OptimizerRpc.PlanResponse };

/** `POST /v1/clusters/:name/autostop`: the body sent and the answer, as the contract's schema declares them. */
export type { AutostopAnswer, AutostopBodyInput as AutostopBody } from '@skyport/contracts';

export interface LogStreamOptions {
  follow?: boolean;
  tail?: number;
  /** `job` (default), `setup` or `provision`. */
  stream?: 'job' | 'setup' | 'provision';
  signal?: AbortSignal;
}

/** One log line as the api streams it. */
export interface LogLine {
  line: string;
  /** Node rank; the api already prefixes the line with it for multi-node jobs. */
  node?: number;
  seq?: number;
}

/** The end of a stream: the request's or job's final status when the server says it. */
export interface StreamEnd {
  status?: string;
  [key: string]: unknown;
}

export type JsonObject = Record<string, unknown>;

/** Every page of `GET /v1/cost-report` in one (the contract's CostReportPage without its cursor). */
export type CostReport = Omit<CostReportPage, 'nextCursor'>;
