import type { Placement } from './placement';
import type { JobGroupLaunch } from './job-group';

/** SkyPilot's `job_recovery.strategy` values. */
export const RECOVERY_STRATEGIES = ['FAILOVER', 'EAGER_NEXT_REGION'] as const;
export type RecoveryStrategy = (typeof RECOVERY_STRATEGIES)[number];

/** Where an attempt ran: `kubernetes` and a context, or a cloud and its region (a cluster's `infra`, split). */
export interface InfraLocation {
  provider: string;
  region: string;
}

/**
 * A managed job's relaunch after its previous attempt was lost: where that attempt ran and the job's strategy. The
 * optimizer reorders the feasible candidates by it (never drops one): FAILOVER tries the lost location first,
 * EAGER_NEXT_REGION tries it last.
 */
export interface Relaunch {
  strategy: RecoveryStrategy;
  lost: InfraLocation;
}

/**
 * What the api stores with a launch request (`requests.payload`) and the optimizer and provisioner read. `task` is
 * the normalised task (libs/task-spec's TaskSpec, which persistence binds `Task` to), opaque here so contracts stay
 * free of it.
 */
export interface LaunchRequestPayload<Task = unknown> {
  task: Task;
  autostop: { idleMinutes: number; down: boolean } | null;
  noBurst: boolean;
  retryUntilUp?: boolean;
  priority: number;
  /** Refuse instead of waiting (for quota in the api, for capacity in the optimizer). */
  failFast?: boolean;
  /** Where the team may run: the optimizer considers only these contexts/namespaces when set. */
  placement?: Placement;
  /** `SKYPILOT_TASK_ID` when it must outlive the cluster (a managed job's). */
  taskId?: string;
  /** A managed job's relaunch: the candidate order follows its recovery strategy. */
  relaunch?: Relaunch;
  /** A managed job group's task: its pods get the group's DNS names (`<task>-<rank>.<group>`). */
  jobGroup?: JobGroupLaunch;
}

/** `kubernetes/<context>` or `<cloud>/<region>[/...]` as a location; undefined for anything else (not placed yet). */
export function infraLocation(infra: string | null | undefined): InfraLocation | undefined {
  if (!infra) return undefined;
  const slash = infra.indexOf('/');
  if (slash <= 0 || slash === infra.length - 1) return undefined;
  const provider = infra.slice(0, slash);
  const rest = infra.slice(slash + 1);
  // A Kubernetes context name may itself contain '/'; a cloud's infra may go on with a zone.
  const region = provider === 'kubernetes' ? rest : rest.split('/')[0];
  return region ? { provider, region } : undefined;
}

/** The payload's `relaunch`, when it is well formed (a request written before it existed has none). */
export function relaunchOf(payload: unknown): Relaunch | undefined {
  const r = (payload as { relaunch?: Partial<Relaunch> } | null)?.relaunch;
  if (!r || !RECOVERY_STRATEGIES.includes(r.strategy as RecoveryStrategy)) return undefined;
  if (typeof r.lost?.provider !== 'string' || typeof r.lost?.region !== 'string') return undefined;
  return { strategy: r.strategy as RecoveryStrategy, lost: { provider: r.lost.provider, region: r.lost.region } };
}
