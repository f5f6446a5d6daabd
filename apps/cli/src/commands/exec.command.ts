import { Command } from 'commander';
import { ErrorCode, RequestStatus, SkyportError, type LaunchRequestBody } from '@skyport/contracts';
import { taskFromWords } from '../args/command-words';
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
    .argument('<task...>', "task YAML file, or the command to run: its words (python train.py --lr 1) or one quoted string")
    // `skyport exec dev python train.py --lr 1`: options exec does not know, after the command's first word, are
    // the command's own (commander keeps them, and every word after them, as arguments).
    .allowUnknownOption()
    .option('-d, --detach-run', 'do not stream the logs')
    .option('--async', 'return once the job is accepted (prints the request id)');
  addTaskOptions(command);
  return command
    .addHelpText(
      'after',
      `
Examples:
  $ skyport exec dev task.yaml
  $ skyport exec dev python train.py --lr 1
  $ skyport exec dev 'nvidia-smi' -d
  $ skyport exec dev -- python eval.py -n 5 -d data

The words after the cluster name are the command, as in 'sky exec'. An option skyport knows (-d, -n, --env, ...)
is taken by skyport wherever it stands, up to the first option it does not know; put the command after '--' to
pass every word to it.`,
    )
    .action(async (clusterArg: string, taskWords: string[], flags: TaskFlags & { detachRun?: boolean; async?: boolean }) => {
      const cluster = clusterNameFrom(clusterArg);
      const task = prepareTask(ctx, taskFromWords(taskWords), flags);
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
