import { Command } from 'commander';
import type { LaunchRequestBody } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { printJson } from '../output/print';
import { outputOption, type OutputOptions } from './common';
import { confirm } from './confirm';
import { preparePipeline, pipelineRequest } from './jobs-pipeline';
import { renderManagedJobs } from './jobs-table';
import { withClientConfig } from './launch-config';
import { streamLogs } from './stream-logs';
import { addTaskOptions, prepareTask, type TaskFlags } from './task-options';
import { withUploadedFiles } from './upload-files';

interface JobsLaunchFlags extends TaskFlags {
  yes?: boolean;
  burst: boolean;
  retryUntilUp?: boolean;
}

function idsOf(words: string[]): number[] {
  return words.map((w) => {
    if (!/^\d+$/.test(w)) throw new CliExit(ExitCode.Usage, `'${w}' is not a managed job id (a number, as 'skyport jobs queue' shows)`);
    return Number(w);
  });
}

/** `skyport jobs launch|queue|cancel|logs` (SkyPilot's `sky jobs`): jobs the server runs to the end, recovering them. */
export function jobsCommand(ctx: CliContext): Command {
  const jobs = new Command('jobs')
    .description('Managed jobs: the server launches a cluster for the task, recovers it when the cluster is lost, and tears it down at the end')
    .addHelpText('after', '\nExamples:\n  $ skyport jobs launch -n train train.yaml\n  $ skyport jobs queue\n  $ skyport jobs logs 3\n  $ skyport jobs cancel 3');

  const launch = jobs
    .command('launch')
    .description('Submit a task as a managed job')
    .argument('<task>', 'task YAML file: one task, or a pipeline (several YAML documents, run in order)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-burst', 'never fail over to another context or cloud; wait for capacity')
    .option('-r, --retry-until-up', 'keep trying (failover included) until resources are available');
  addTaskOptions(launch);
  launch
    .addHelpText('after', "\nExamples:\n  $ skyport jobs launch -n train train.yaml\n  $ skyport jobs launch --gpus A100:8 --env WANDB_RUN train.yaml\n  $ skyport jobs launch pipeline.yaml      # several YAML documents: tasks run in order, each on its own cluster\n  $ skyport jobs launch group.yaml         # a header with execution: parallel (a job group): all tasks at once\n\njob_recovery in the task's resources sets strategy (FAILOVER: a relaunch tries where the job was lost first; EAGER_NEXT_REGION: last), max_restarts_on_errors and recover_on_exit_codes.")
    .action(async (taskArg: string, flags: JobsLaunchFlags) => {
      const pipeline = preparePipeline(ctx, taskArg, flags);
      if (pipeline) {
        const what = pipeline.group ? `a job group of ${pipeline.tasks.length} tasks, run at once (each on its own cluster)` : `a pipeline of ${pipeline.tasks.length} tasks, run in order`;
        await confirm(ctx, `Submit a managed job: ${what}?`, flags.yes);
        const body = await pipelineRequest(ctx, pipeline);
        if (!flags.burst) body.noBurst = true;
        if (flags.retryUntilUp) body.retryUntilUp = true;
        const accepted = await ctx.client().launchManagedJob(body);
        ctx.out(`Managed job ${accepted.id}${accepted.name ? ` '${accepted.name}'` : ''} submitted: ${what} (${accepted.status}).`);
        ctx.out(`  Follow it with: skyport jobs queue; its logs: skyport jobs logs ${accepted.id}; cancel: skyport jobs cancel ${accepted.id}`);
        return;
      }
      const task = withClientConfig(ctx, prepareTask(ctx, taskArg, flags));
      const body: LaunchRequestBody = { task: task.yaml };
      if (Object.keys(task.overrides).length) body.overrides = task.overrides;
      if (Object.keys(task.envs).length) body.envs = task.envs;
      if (Object.keys(task.secrets).length) body.secrets = task.secrets;
      if (!flags.burst) body.noBurst = true;
      if (flags.retryUntilUp) body.retryUntilUp = true;
      await confirm(ctx, 'Submit a managed job?', flags.yes);
      const accepted = await ctx.client().launchManagedJob({ ...body, task: await withUploadedFiles(ctx, task) });
      ctx.out(`Managed job ${accepted.id}${accepted.name ? ` '${accepted.name}'` : ''} submitted (${accepted.status}).`);
      ctx.out(`  Follow it with: skyport jobs queue; its logs: skyport jobs logs ${accepted.id}; cancel: skyport jobs cancel ${accepted.id}`);
    });

  jobs
    .command('queue')
    .description('List your team\'s managed jobs: status, recoveries, restarts and the cluster each runs on')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport jobs queue\n  $ skyport jobs queue -o json')
    .action(async (opts: OutputOptions) => {
      const items = await ctx.client().listManagedJobs();
      if (opts.output === 'json') printJson(ctx, items);
      else ctx.out(renderManagedJobs(items, ctx));
    });

  jobs
    .command('cancel')
    .description('Cancel managed jobs (their clusters are torn down)')
    .argument('[ids...]', 'managed job ids')
    .option('-a, --all', 'cancel all your team\'s unfinished managed jobs')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', '\nExamples:\n  $ skyport jobs cancel 3 4\n  $ skyport jobs cancel -a -y')
    .action(async (words: string[], flags: { all?: boolean; yes?: boolean }) => {
      if (flags.all === Boolean(words.length)) throw new CliExit(ExitCode.Usage, 'name the managed job ids to cancel, or -a for all of them (not both)');
      if (flags.all) await confirm(ctx, 'Cancel all your unfinished managed jobs?', flags.yes);
      const answer = await ctx.client().cancelManagedJobs(flags.all ? { all: true } : { ids: idsOf(words) });
      ctx.out(answer.cancelled.length ? `Cancelling managed job(s) ${answer.cancelled.join(', ')}.` : 'No unfinished managed job to cancel.');
    });

  jobs
    .command('logs')
    .description("Stream the job's log from the cluster it runs on now (--controller: what the controller did with it)")
    .argument('<id>', 'managed job id')
    .argument('[task]', "a pipeline's or job group's task, by name or 0-based index (SkyPilot's TASK); default: the one running now")
    .option('--no-follow', 'print the log so far and exit')
    .option('--controller', "the controller's log: the job's and its clusters' events (launches, recoveries, teardowns)")
    .addHelpText('after', '\nExamples:\n  $ skyport jobs logs 3\n  $ skyport jobs logs --no-follow 3\n  $ skyport jobs logs 3 trainer        # one task of a pipeline or job group\n  $ skyport jobs logs --controller 3')
    .action(async (word: string, taskWord: string | undefined, flags: { follow: boolean; controller?: boolean }) => {
      const [id] = idsOf([word]);
      if (flags.controller) {
        const log = await ctx.client().managedJobControllerLog(id);
        if (log) ctx.out(log.replace(/\n$/, ''));
        return;
      }
      const job = await ctx.client().getManagedJob(id);
      const names = job.tasks.map((t) => t.name ?? String(t.index)).join(', ');
      let target: { cluster: string | null; clusterJobId: number | null } = job;
      if (taskWord !== undefined) {
        const task = job.tasks.find((t) => t.name === taskWord) ?? (/^\d+$/.test(taskWord) ? job.tasks.find((t) => t.index === Number(taskWord)) : undefined);
        if (!task) throw new CliExit(ExitCode.Usage, `managed job ${id} has no task '${taskWord}' (its tasks: ${names})`);
        target = task;
      } else if (job.execution === 'parallel') {
        // A job group's tasks all run at once: there is no one current task to follow.
        throw new CliExit(ExitCode.Usage, `managed job ${id} is a job group: name the task whose log you want (skyport jobs logs ${id} TASK; its tasks: ${names})`);
      }
      if (!target.cluster || target.clusterJobId === null) {
        throw new CliExit(ExitCode.Failed, `managed job ${id}${taskWord !== undefined ? ` task '${taskWord}'` : ''} has no cluster yet (${job.status}); try again once it is STARTING or RUNNING`);
      }
      await streamLogs(ctx, target.cluster, target.clusterJobId, { follow: flags.follow });
    });
  return jobs;
}
