import { Command } from 'commander';
import { ErrorCode, RequestStatus, SkyportError, type LaunchRequestBody } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { createProgress } from '../output/progress';
import { followRequest } from './follow-request';
import { exitForJob, streamLogs } from './stream-logs';
import { addTaskOptions, clusterNameFrom, prepareTask, type TaskFlags } from './task-options';
import { withUploadedFiles } from './upload-files';

export function execCommand(ctx: CliContext): Command {
  const command = new Command('exec')
    .description('Run a task (or a command) as a new job on an existing cluster; setup is skipped')
    .argument('<cluster>', 'cluster name')
    .argument('<task>', 'task YAML file, or a shell command to run')
    .option('-d, --detach-run', 'do not stream the logs')
    .option('--async', 'return once the job is accepted (prints the request id)');
  addTaskOptions(command);
  return command
    .addHelpText('after', "\nExamples:\n  $ skyport exec dev task.yaml\n  $ skyport exec dev 'nvidia-smi' -d")
    .action(async (clusterArg: string, taskArg: string, flags: TaskFlags & { detachRun?: boolean; async?: boolean }) => {
      const cluster = clusterNameFrom(clusterArg);
      const task = prepareTask(ctx, taskArg, flags);
      // As `sky exec`: the workdir (and file_mounts) are uploaded again and synced before the job runs.
      const body: LaunchRequestBody = { task: await withUploadedFiles(ctx, task) };
      if (Object.keys(task.overrides).length) body.overrides = task.overrides;
      if (Object.keys(task.envs).length) body.envs = task.envs;
      if (Object.keys(task.secrets).length) body.secrets = task.secrets;
      const accepted = await ctx.client().exec(cluster, body);
      if (flags.async) {
        ctx.out(`Job ${accepted.jobId ?? ''} accepted on '${cluster}': request ${accepted.requestId}.`.replace('Job  ', 'Job '));
        return;
      }
      const progress = createProgress(ctx, `Job submitted to '${cluster}' (request ${accepted.requestId})`);
      const outcome = await followRequest(ctx, accepted.requestId, progress, { untilJobRuns: true });
      if (outcome.request.status === RequestStatus.Failed || outcome.request.status === RequestStatus.Cancelled) {
        throw new SkyportError((outcome.request.error?.code as ErrorCode) ?? ErrorCode.Internal, outcome.request.error?.message ?? `the job request ended ${outcome.request.status}`);
      }
      const jobId = accepted.jobId ?? outcome.request.jobId;
      if (flags.detachRun) {
        ctx.out(`Job ${jobId ?? ''} queued on '${cluster}'. Follow it with: skyport logs ${cluster}${jobId !== undefined ? ` ${jobId}` : ''}`);
        return;
      }
      const status = await streamLogs(ctx, cluster, jobId, { follow: true });
      exitForJob(cluster, jobId, status);
    });
}
