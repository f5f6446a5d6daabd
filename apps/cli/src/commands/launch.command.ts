import { Command } from 'commander';
import { ClusterStatus, ErrorCode, RequestStatus, SkyportError, type AutostopSetting, type LaunchRequestBody } from '@skyport/contracts';
import { taskFromWords } from '../args/command-words';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { formatPlanTable } from '@skyport/planner';
import { printJson } from '../output/print';
import { createProgress } from '../output/progress';
import { confirm } from './confirm';
import { followRequest } from './follow-request';
import { exitForJob, streamLogs } from './stream-logs';
import { addTaskOptions, clusterNameFrom, parseIdleFlag, prepareTask, type TaskFlags } from './task-options';
import { withUploadedFiles } from './upload-files';
import { withClientConfig } from './launch-config';

interface LaunchFlags extends TaskFlags {
  cluster?: string;
  dryrun?: boolean;
  yes?: boolean;
  detachRun?: boolean;
  down?: boolean;
  idleMinutesToAutostop?: number;
  burst: boolean;
  retryUntilUp?: boolean;
  async?: boolean;
  output: 'table' | 'json';
}

export function autostopFrom(flags: { idleMinutesToAutostop?: number; down?: boolean }): AutostopSetting | undefined {
  // As in SkyPilot: --down alone tears the cluster down once its jobs are done; with -i, after that idle time.
  if (flags.idleMinutesToAutostop === undefined && !flags.down) return undefined;
  return { idleMinutes: flags.idleMinutesToAutostop ?? 0, down: Boolean(flags.down) };
}

export function launchCommand(ctx: CliContext): Command {
  const command = new Command('launch')
    .description('Launch a cluster and run a task on it (plan, provision, setup, run, stream logs)')
    .argument('[task...]', 'task YAML file, or the command to run (its words, or one quoted string)')
    // `skyport launch -c dev python train.py --lr 1`: as exec, unknown options after the first word are the command's.
    .allowUnknownOption()
    .option('-c, --cluster <name>', 'cluster name (default: generated)')
    .option('--dryrun', 'show the plan (Considered resources) and launch nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('-d, --detach-run', 'do not stream the logs; return once the job runs')
    .option('--down', 'tear the cluster down after its jobs finish (or after the idle time of -i)')
    .option('-i, --idle-minutes-to-autostop <min>', "autostop after this idle time: minutes or '30m', '2h'", parseIdleFlag)
    .option('--async', 'return once the launch is accepted (prints the request id)')
    .option('--no-burst', 'never fail over to another context or cloud; wait for capacity')
    .option('-r, --retry-until-up', 'never fail for lack of capacity: keep trying (failover included) until resources are available')
    .option('--no-setup', "skip the task's setup")
    .option('-o, --output <format>', 'with --dryrun: table or json', 'table');
  addTaskOptions(command);
  return command
    .addHelpText(
      'after',
      `
Examples:
  $ skyport launch -c dev task.yaml
  $ skyport launch -c train --gpus A100:8 --num-nodes 2 --env HF_TOKEN --secret WANDB_API_KEY train.yaml
  $ skyport launch --dryrun --infra k8s task.yaml
  $ skyport launch -c dev -r --workdir . --env-file .env python train.py --lr 1
  $ skyport launch -c box -i 30m --down 'python -m http.server 8000'`,
    )
    .action(async (taskWords: string[], flags: LaunchFlags) => {
      const taskArg = taskFromWords(taskWords);
      const cluster = clusterNameFrom(flags.cluster);
      const task = withClientConfig(ctx, prepareTask(ctx, taskArg, flags));
      const client = ctx.client();
      const autostop = autostopFrom(flags);
      const body: LaunchRequestBody = { task: task.yaml };
      if (Object.keys(task.overrides).length) body.overrides = task.overrides;
      if (Object.keys(task.envs).length) body.envs = task.envs;
      if (Object.keys(task.secrets).length) body.secrets = task.secrets;
      if (autostop) body.autostop = autostop;
      if (!flags.burst) body.noBurst = true;
      if (flags.retryUntilUp) body.retryUntilUp = true;

      // As `sky launch` does, a cluster that is already up is reused: no plan, the task goes to it.
      const existing = flags.dryrun ? undefined : await existingCluster(ctx, cluster);
      if (existing === ClusterStatus.Up) {
        ctx.err(`Cluster '${cluster}' is UP; the task runs on it.`);
        await confirm(ctx, `Run the task on the existing cluster '${cluster}'?`, flags.yes);
        // As `sky launch` on an UP cluster: the workdir and file_mounts are synced again before the job.
        return submit(ctx, cluster, { ...body, task: await withUploadedFiles(ctx, task) }, flags);
      }
      // As `sky launch` on a STOPPED cluster: it is started again (same VMs, new addresses) and the task runs there.
      if (existing === ClusterStatus.Stopped) {
        ctx.err(`Cluster '${cluster}' is STOPPED; it is started again and the task runs on it.`);
        await confirm(ctx, `Start '${cluster}' and run the task on it?`, flags.yes);
        return submit(ctx, cluster, { ...body, task: await withUploadedFiles(ctx, task) }, flags);
      }
      const planning = flags.output === 'json' ? undefined : createProgress(ctx, `Planning where '${cluster}' runs...`);
      let plan;
      try {
        plan = (await client.plan(cluster, body)).plan;
      } finally {
        planning?.stop();
      }
      if (flags.output === 'json') {
        printJson(ctx, { cluster, plan });
      } else {
        // One table for the CLI and the api's logs: libs/planner formats it.
        ctx.out(formatPlanTable(plan));
      }
      if (plan.chosenIndex < 0) {
        throw new CliExit(ExitCode.Failed, 'no candidate can run this task now (see the reasons above)');
      }
      if (flags.dryrun) return;

      await confirm(ctx, `Launching cluster '${cluster}'. Proceed?`, flags.yes);
      return submit(ctx, cluster, { ...body, task: await withUploadedFiles(ctx, task) }, flags);
    });
}

async function existingCluster(ctx: CliContext, cluster: string): Promise<ClusterStatus | undefined> {
  try {
    return (await ctx.client().getCluster(cluster)).status;
  } catch (error) {
    if (error instanceof SkyportError && error.code === ErrorCode.NotFound) return undefined;
    throw error;
  }
}

/** Sends the launch, follows it until the job runs, then streams the job's logs (unless -d / --async). */
async function submit(ctx: CliContext, cluster: string, body: LaunchRequestBody, flags: LaunchFlags): Promise<void> {
  const client = ctx.client();
  const accepted = await client.launch(cluster, body);
  if (flags.async) {
    ctx.out(`Launch of '${cluster}' accepted: request ${accepted.requestId}${accepted.jobId !== undefined ? `, job ${accepted.jobId}` : ''}.`);
    ctx.out(`Follow it with: skyport logs ${cluster}${accepted.jobId !== undefined ? ` ${accepted.jobId}` : ''}`);
    return;
  }
  const progress = createProgress(ctx, `Launch request ${accepted.requestId} accepted for cluster '${cluster}'`);
  const outcome = await followRequest(ctx, accepted.requestId, progress, { untilJobRuns: true });
  if (outcome.request.status === RequestStatus.Failed || outcome.request.status === RequestStatus.Cancelled) {
    const why = outcome.request.error?.message ?? `the launch ended ${outcome.request.status}`;
    throw new SkyportError((outcome.request.error?.code as ErrorCode) ?? ErrorCode.Internal, why);
  }
  const jobId = accepted.jobId ?? outcome.request.jobId;
  if (flags.detachRun) {
    ctx.out(`Job ${jobId ?? ''} submitted on '${cluster}'. Follow it with: skyport logs ${cluster}${jobId !== undefined ? ` ${jobId}` : ''}`);
    return;
  }
  const status = await streamLogs(ctx, cluster, jobId, { follow: true });
  exitForJob(cluster, jobId, status);
  if (status) ctx.err(`${ctx.colors.green('✓')} Job ${jobId ?? ''} on '${cluster}' ${status}.`);
}
