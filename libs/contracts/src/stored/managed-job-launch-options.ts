import type { Role } from '../api/identity.dto';
import type { Placement } from '../placement/placement';

/**
 * `managed_jobs.launch_options`: what each attempt's launch is given besides the task, kept from the submit.
 * `Group` is the job group's header (libs/task-spec's JobGroupHeader; contracts keep it opaque).
 */
export interface ManagedJobLaunchOptions<Group = unknown> {
  /** The submitter's role and name: each attempt is launched and recorded as theirs. */
  role?: Role;
  ownerName?: string;
  /** Where the current task's launches may run (its volumes may pin it). */
  placement?: Placement;
  priority?: number;
  noBurst?: boolean;
  retryUntilUp?: boolean;
  /** A job group (`execution: parallel`): all its tasks run at once. */
  jobGroup?: Group;
}
