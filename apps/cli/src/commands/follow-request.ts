import { JobStatus, RequestStatus, TERMINAL_JOB_STATUSES, jobStatusOfEventType, type EventView, type RequestView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import type { Progress } from '../output/progress';

export interface FollowOutcome {
  request: RequestView;
  /** The job reached RUNNING (or finished) while we watched. */
  jobStarted: boolean;
  jobStatus?: JobStatus;
}

/**
 * The job status an event announces: a job's status change is its own event type (`job.running`); no other event
 * (nor any event's data) says what a job's status is.
 */
export function jobStatusOf(event: EventView): JobStatus | undefined {
  return jobStatusOfEventType(event.type);
}

/**
 * Follows a request's live events, showing each as a progress step, until the request ends or (with
 * `untilJobRuns`) its job is running. Then reads the request once more for its final state.
 */
export async function followRequest(
  ctx: CliContext,
  requestId: string,
  progress: Progress,
  options: { untilJobRuns?: boolean; signal?: AbortSignal } = {},
): Promise<FollowOutcome> {
  const client = ctx.client();
  let jobStatus: JobStatus | undefined;
  let previous: string | undefined;
  const stream = client.requestEvents(requestId, { follow: true, signal: options.signal });
  for (;;) {
    const next = await stream.next();
    if (next.done) break;
    const event = next.value;
    if (previous) progress.done(previous);
    previous = event.message;
    progress.update(event.message);
    jobStatus = jobStatusOf(event) ?? jobStatus;
    if (options.untilJobRuns && jobStatus && (jobStatus === JobStatus.Running || TERMINAL_JOB_STATUSES.has(jobStatus))) {
      await stream.return(undefined);
      break;
    }
  }
  const request = await client.getRequest(requestId);
  if (previous) {
    if (request.status === RequestStatus.Failed) progress.fail(previous);
    else progress.done(previous);
  } else {
    progress.stop();
  }
  const jobStarted = jobStatus !== undefined && (jobStatus === JobStatus.Running || TERMINAL_JOB_STATUSES.has(jobStatus));
  return jobStatus ? { request, jobStarted, jobStatus } : { request, jobStarted };
}
