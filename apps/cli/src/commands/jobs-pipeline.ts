import type { ManagedJobRequestBody } from '@skyport/contracts';
import { parseTaskYaml, pipelineDocuments } from '@skyport/task-spec';
import { readTaskArgument } from '../args/flags';
import type { CliContext } from '../context/cli-context';
import { CliExit } from '../context/exit-codes';
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

/** A pipeline file as `jobs launch` submits it: its name, header document (a job group's settings) and tasks. */
export interface PreparedPipeline {
  name: string | null;
  header: Record<string, unknown> | null;
  /** A job group (`execution: parallel`): the tasks run at once, each on its own cluster. */
  group: boolean;
  tasks: PreparedTask[];
}

/** The tasks of a pipeline file, each checked as `launch` checks a task (with the `--env`/`--secret` it will get). */
export function preparePipeline(ctx: CliContext, taskArg: string, flags: TaskFlags): PreparedPipeline | undefined {
  const { yaml, source } = readTaskArgument(taskArg);
  const docs = pipelineDocuments(yaml);
  const group = docs.execution === 'parallel';
  if (docs.tasks.length <= 1 && !group) return undefined;
  // The group's own rules (named, unique tasks; primary_tasks and termination_delay naming them) need the whole file.
  if (group) parseTaskYaml(yaml, { source });
  const ignored = PER_TASK_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (flags.ports?.length) ignored.push('--ports');
  if (ignored.length) ctx.err(`Warning: ${ignored.join(', ')} ignored: ${source} holds several tasks (a ${group ? 'job group' : 'pipeline'}); set resources in each task.`);
  const common: TaskFlags = { env: flags.env, envFile: flags.envFile, secret: flags.secret };
  const tasks = docs.tasks.map((text, i) => {
    try {
      return withClientConfig(ctx, prepareTask(ctx, taskArg, common, { yaml: text, source }));
    } catch (error) {
      if (error instanceof CliExit) throw new CliExit(error.exitCode, `task ${i} of the ${group ? 'job group' : 'pipeline'}: ${error.message}`);
      throw error;
    }
  });
  return { name: flags.name ?? docs.name, header: docs.header, group, tasks };
}

/** The `POST /v1/jobs` body of a pipeline: each task's files uploaded, the tasks in order, the flags once. */
export async function pipelineRequest(ctx: CliContext, pipeline: PreparedPipeline): Promise<ManagedJobRequestBody> {
  const tasks: ManagedJobRequestBody['tasks'] = [];
  for (const task of pipeline.tasks) tasks.push(await withUploadedFiles(ctx, task));
  const [first] = pipeline.tasks;
  return {
    tasks,
    ...(pipeline.name ? { name: pipeline.name } : {}),
    ...(pipeline.header ? { header: pipeline.header } : {}),
    ...(Object.keys(first.envs).length ? { envs: first.envs } : {}),
    ...(Object.keys(first.secrets).length ? { secrets: first.secrets } : {}),
  };
}
