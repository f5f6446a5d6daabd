import { ErrorCode, SkyportError, type LaunchRequestBody } from '@skyport/contracts';

/**
 * What `jobs launch` does not take, refused before anything is written, each saying why: a dry run and autostop.
 * (`pool:` is refused by the task's own validation; pipelines are split into their tasks by managed-job-pipeline.ts.)
 */
export function checkManagedJobBody(body: LaunchRequestBody): void {
  if (body.dryrun) throw new SkyportError(ErrorCode.InvalidRequest, "'dryrun' is not supported for managed jobs; use 'skyport launch --dryrun TASK.yaml' to see where the task would run");
  if (body.autostop) throw new SkyportError(ErrorCode.InvalidRequest, "'autostop' has no meaning for a managed job: its cluster is torn down when the job ends");
}
