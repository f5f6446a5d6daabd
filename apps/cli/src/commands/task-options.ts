import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { clusterNameProblem, type TaskOverrides } from '@skyport/contracts';
import { applyLaunchInputs, parseIdleMinutes, parseTaskYaml, ResourceSyntaxError, NUM_NODES_CEILING } from '@skyport/task-spec';
import { collect, parsePositiveInt, parseKeyValues, readTaskArgument } from '../args/flags';
import { readEnvFile } from '../args/env-file';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';

export interface TaskFlags {
  cpus?: string;
  memory?: string;
  gpus?: string;
  numNodes?: number;
  imageId?: string;
  infra?: string;
  useSpot?: boolean;
  env?: string[];
  envFile?: string;
  secret?: string[];
  workdir?: string;
  name?: string;
  ports?: string[];
  instanceType?: string;
  /** `--no-setup` (launch): commander's negated flag, false when given. */
  setup?: boolean;
}

/** The resource and env flags `launch` and `exec` share, as in `sky launch`. */
export function addTaskOptions(command: Command): Command {
  return command
    .option('--cpus <n>', "vCPUs per node: '4' or '4+' for at least 4")
    .option('--memory <gb>', "memory per node in GB: '16' or '16+'")
    .option('--gpus <acc>', "accelerators per node: 'A100:8' (replaces the task's)")
    .option('--num-nodes <n>', 'number of nodes', parsePositiveInt('--num-nodes'))
    .option('--image-id <image>', "container image: 'docker:<image>'")
    .option('--instance-type <type>', "instance type: 'm5.xlarge' on AWS, the pod shape '4CPU--16GB' on Kubernetes")
    .option('--ports <ports>', "open a port or range (repeatable): '8080', '8000-8010'", collect, [])
    .option('--infra <infra>', "where to run: 'k8s', 'kubernetes/<context>', 'aws/us-east-1', ...")
    .addOption(new Option('--use-spot', 'use spot instances (clouds only)'))
    .addOption(new Option('--no-use-spot', 'use on-demand instances'))
    .option('--workdir <dir>', "local directory to upload as the task's workdir (replaces the task's)")
    .option('-n, --name <name>', 'task name (shown in queue)')
    .option('--env-file <file>', 'read envs from a dotenv file (K=V lines); --env wins over it')
    .option('--env <K=V>', 'set an env (repeatable); --env K takes K from your environment', collect, [])
    .option('--secret <K=V>', 'set a secret (repeatable); --secret K takes K from your environment', collect, []);
}

export interface PreparedTask {
  yaml: string;
  source: string;
  overrides: TaskOverrides;
  envs: Record<string, string>;
  secrets: Record<string, string>;
  numNodes: number;
  /** `--workdir`: the absolute local directory to upload as the workdir. */
  workdir?: string;
}

/**
 * Reads and checks the task locally before anything is sent: the YAML, the overrides and the required envs and
 * secrets, so a mistake fails at once with exit 2 and a clear message. The api checks again.
 */
export function prepareTask(ctx: CliContext, taskArg: string | undefined, flags: TaskFlags, given?: { yaml: string; source: string }): PreparedTask {
  const { yaml, source } = given ?? readTaskArgument(taskArg);
  // As SkyPilot: --env-file first, --env on top of it.
  const envs = { ...(flags.envFile !== undefined ? readEnvFile(flags.envFile) : {}), ...parseKeyValues('--env', flags.env ?? [], ctx.env) };
  const workdir = flags.workdir === undefined ? undefined : workdirFlag(flags.workdir);
  const secrets = parseKeyValues('--secret', flags.secret ?? [], ctx.env);
  const overrides: TaskOverrides = {};
  if (flags.cpus !== undefined) overrides.cpus = flags.cpus;
  if (flags.memory !== undefined) overrides.memory = flags.memory;
  if (flags.gpus !== undefined) overrides.gpus = flags.gpus;
  if (flags.numNodes !== undefined) overrides.numNodes = flags.numNodes;
  if (flags.imageId !== undefined) overrides.imageId = flags.imageId;
  if (flags.infra !== undefined) overrides.infra = flags.infra;
  if (flags.useSpot !== undefined) overrides.useSpot = flags.useSpot;
  if (flags.name !== undefined) overrides.name = flags.name;
  if (flags.ports?.length) overrides.ports = flags.ports;
  if (flags.instanceType !== undefined) overrides.instanceType = flags.instanceType;
  if (flags.setup === false) overrides.noSetup = true;
  // The server applies its admin's num_nodes limit (policy.max_num_nodes, 512 by default) and names it.
  const file = parseTaskYaml(yaml, { source, bounds: { numNodes: NUM_NODES_CEILING } });
  if (file.jobGroup) {
    throw new CliExit(
      ExitCode.Usage,
      `${source} is a job group ('${file.jobGroup.name}', execution: parallel) of ${file.tasks.length} task(s); a cluster runs one task — run the group as a managed job (all its tasks at once, each on its own cluster): skyport jobs launch ${source}`,
    );
  }
  if (file.tasks.length !== 1) {
    throw new CliExit(
      ExitCode.Usage,
      `${source} is a pipeline of ${file.tasks.length} tasks${file.pipelineName ? ` ('${file.pipelineName}')` : ''}; a cluster runs one task — run the pipeline as a managed job (its tasks in order, each on its own cluster): skyport jobs launch ${source}`,
    );
  }
  const resolved = applyLaunchInputs(file.tasks[0], { overrides, envs, secrets });
  return { yaml, source, overrides, envs, secrets, numNodes: resolved.numNodes, ...(workdir ? { workdir } : {}) };
}

function workdirFlag(dir: string): string {
  if (!existsSync(dir)) throw new CliExit(ExitCode.Usage, `--workdir ${dir}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new CliExit(ExitCode.Usage, `--workdir ${dir}: not a directory (the workdir is a directory to upload)`);
  return resolve(dir);
}

/** `-c NAME`, checked like the api will; or a generated one. */
export function clusterNameFrom(value: string | undefined): string {
  const name = value ?? `skyport-${randomBytes(2).toString('hex')}`;
  const problem = clusterNameProblem(name);
  if (problem) throw new CliExit(ExitCode.Usage, problem);
  return name;
}

/** `-i 10`, `-i 30m`, `-i 2h`. */
export function parseIdleFlag(value: string): number {
  try {
    return parseIdleMinutes(value);
  } catch (error) {
    if (error instanceof ResourceSyntaxError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}
