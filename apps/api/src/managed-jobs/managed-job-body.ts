import { parseAllDocuments } from 'yaml';
import { ErrorCode, SkyportError, type LaunchRequestBody } from '@skyport/contracts';

/**
 * What `jobs launch` does not take this round, refused before anything is written, each saying why: pipelines
 * (a multi-document task file), `pool:`, and a dry run.
 */
export function checkManagedJobBody(body: LaunchRequestBody): void {
  if (body.dryrun) throw new SkyportError(ErrorCode.InvalidRequest, "'dryrun' is not supported for managed jobs; use 'skyport launch --dryrun TASK.yaml' to see where the task would run");
  if (body.autostop) throw new SkyportError(ErrorCode.InvalidRequest, "'autostop' has no meaning for a managed job: its cluster is torn down when the job ends");
  if (typeof body.task !== 'string') return;
  const documents = parseAllDocuments(body.task);
  const count = Array.isArray(documents) ? documents.filter((d) => d.contents !== null).length : 1;
  if (count > 1) {
    throw new SkyportError(
      ErrorCode.InvalidTask,
      `this file has ${count} YAML documents (a pipeline); managed job pipelines are not supported yet — submit each task as its own 'skyport jobs launch'`,
      { documents: count },
    );
  }
}
