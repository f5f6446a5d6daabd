import type { ManagedJobRequestBody } from '@skyport/contracts';
import { pipelineDocuments } from '@skyport/task-spec';
import { readTaskArgument } from '../args/flags';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { withClientConfig } from './launch-config';
import { prepareTask, type PreparedTask, type TaskFlags } from './task-options';
import { withUploadedFiles } from './upload-files';

/** Flags that change one task's resources: as SkyPilot's `jobs launch` does, a pipeline ignores them, saying so. */
const PER_TASK_FLAGS: Array<[keyof TaskFlags, string]> = [
  ['cpus', '--cpus'],
  ['memory', '--memory'],
  ['gpus', '--gpus'],
  ['numNodes', '--num-nodes'],
  ['imageId', '--image-id'],
  ['instanceType', '--instance-type'],
  ['infra', '--infra'],
  ['useSpot', '--use-spot'],
  ['workdir', '--workdir'],
];

/** The tasks of a pipeline file, each checked as `launch` checks a task (with the `--env`/`--secret` it will get). */
export function preparePipeline(ctx: CliContext, taskArg: string, flags: TaskFlags): { name: string | null; tasks: PreparedTask[] } | undefined {
  const { yaml, source } = readTaskArgument(taskArg);
  const docs = pipelineDocuments(yaml);
  if (docs.tasks.length <= 1) return undefined;
  if (docs.execution === 'parallel') {
    throw new CliExit(ExitCode.Usage, `${source}: 'execution: parallel' makes a job group, which Skyport does not run; remove it to run the tasks in order as a pipeline`);
  }
  const ignored = PER_TASK_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (flags.ports?.length) ignored.push('--ports');
  if (ignored.length) ctx.err(`Warning: ${ignored.join(', ')} ignored: ${source} holds several tasks (a pipeline); set resources in each task.`);
  const common: TaskFlags = { env: flags.env, envFile: flags.envFile, secret: flags.secret };
  const tasks = docs.tasks.map((text, i) => {
    try {
      return withClientConfig(ctx, prepareTask(ctx, taskArg, common, { yaml: text, source }));
    } catch (error) {
      if (error instanceof CliExit) throw new CliExit(error.exitCode, `task ${i} of the pipeline: ${error.message}`);
      throw error;
    }
  });
  return { name: flags.name ?? docs.name, tasks };
}

/** The `POST /v1/jobs` body of a pipeline: each task's files uploaded, the tasks in order, the flags once. */
export async function pipelineRequest(ctx: CliContext, pipeline: { name: string | null; tasks: PreparedTask[] }): Promise<ManagedJobRequestBody> {
  const tasks: ManagedJobRequestBody['tasks'] = [];
  for (const task of pipeline.tasks) tasks.push(await withUploadedFiles(ctx, task));
  const [first] = pipeline.tasks;
  return {
    tasks,
    ...(pipeline.name ? { name: pipeline.name } : {}),
    ...(Object.keys(first.envs).length ? { envs: first.envs } : {}),
    ...(Object.keys(first.secrets).length ? { secrets: first.secrets } : {}),
  };
}
