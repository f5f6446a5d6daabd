import { z } from 'zod';
import { isoTime } from './answer-fields';
import { RECOVERY_STRATEGIES } from '../placement/relaunch';
import { ManagedJobStatus } from '../states/managed-job-states';
import { LaunchRequestBodySchema } from './launch.dto';

/** Managed jobs (`/v1/jobs`): the bodies and answers, declared as in launch.dto.ts. */

const status = z.enum(ManagedJobStatus);

/** `job_recovery` as a managed job applies it (SkyPilot's fields). */
export const ManagedJobRecoverySchema = z.object({
  /** FAILOVER (default: a relaunch tries where the lost attempt ran first) or EAGER_NEXT_REGION (tries it last). */
  strategy: z.enum(RECOVERY_STRATEGIES),
  /** Restarts after the user's code failed (non-zero exit); 0 = none. */
  maxRestartsOnErrors: z.number().int(),
  /** Exit codes that are recovered like a lost cluster, without counting as a restart. */
  recoverOnExitCodes: z.array(z.number().int()),
});
export type ManagedJobRecovery = z.infer<typeof ManagedJobRecoverySchema>;

/** One task of a managed job (a pipeline has several, run in order; a plain job has one, index 0). */
export const ManagedJobTaskViewSchema = z.object({
  /** 0-based position in the pipeline (SkyPilot's task id). */
  index: z.number().int(),
  name: z.string().nullable(),
  /** PENDING until its turn; CANCELLED when an earlier task failed or the job was cancelled before it ran. */
  status,
  /** `SKYPILOT_TASK_ID` of this task, the same on every recovery. */
  taskId: z.string().meta({ description: "SKYPILOT_TASK_ID of this task; SKYPILOT_TASK_IDS lists every task's, newline-joined." }),
  /** The cluster it runs (or last ran) on. */
  cluster: z.string().nullable(),
  clusterJobId: z.number().int().nullable(),
  recoveryCount: z.number().int(),
  restartCount: z.number().int(),
  failureReason: z.string().nullable(),
  startedAt: isoTime().nullable(),
  endedAt: isoTime().nullable(),
});
export type ManagedJobTaskView = z.infer<typeof ManagedJobTaskViewSchema>;

/** A managed job (`GET /v1/jobs`, `skyport jobs queue -o json`). */
export const ManagedJobViewSchema = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  status,
  owner: z.string(),
  team: z.string().nullable(),
  /** Recoveries after the cluster was lost. */
  recoveryCount: z.number().int().meta({ description: 'Relaunches after the cluster was lost.' }),
  /** Restarts after the user's code failed. */
  restartCount: z.number().int().meta({ description: 'Relaunches after the user code failed (max_restarts_on_errors).' }),
  /** The cluster the job runs on now (null before the first launch and once it ended). */
  cluster: z.string().nullable().meta({ description: 'The cluster the job runs on now.' }),
  /** The job's id on that cluster, for its logs. */
  clusterJobId: z.number().int().nullable(),
  /** `SKYPILOT_TASK_ID` of the current task, the same across recoveries. */
  taskId: z.string().meta({ description: 'SKYPILOT_TASK_ID, the same on every recovery.' }),
  recovery: ManagedJobRecoverySchema,
  failureReason: z.string().nullable(),
  submittedAt: isoTime(),
  startedAt: isoTime().nullable(),
  endedAt: isoTime().nullable(),
  /** The task running now (0-based; the last one once the job ended). */
  currentTask: z.number().int().meta({ description: 'The pipeline task running now (0-based).' }),
  /** Every task in pipeline order (one for a plain job). */
  tasks: z.array(ManagedJobTaskViewSchema),
  /** `serial`: the tasks run in order (a pipeline, or one task); `parallel`: a job group, all tasks at once. */
  execution: z.enum(['serial', 'parallel']).meta({ description: 'serial: the tasks run in order (a pipeline); parallel: a job group, all tasks at once.' }),
  /** Dollars so far over all its clusters, priced as the cost report prices clusters (0 on Kubernetes). */
  cost: z.number().meta({ description: 'Dollars so far over all its clusters, as the cost report prices them.' }),
});
export type ManagedJobView = z.infer<typeof ManagedJobViewSchema>;

const TASK_LIST_MESSAGE = '"tasks" must be a non-empty list of tasks (YAML text or objects), run in order';
const taskDocument = z.union([z.string(), z.record(z.string(), z.unknown())], { error: '"{field}" must be the task as YAML text or as an object, not {value}' });

/**
 * The fields a managed job adds to a launch body: `task` may be a multi-document YAML pipeline or job group, or
 * `tasks` gives the pipeline's tasks in order with `name` naming it and `header` its header document.
 */
export const PipelineFieldsSchema = z.object({
  task: LaunchRequestBodySchema.shape.task.optional(),
  tasks: z.array(taskDocument, { error: TASK_LIST_MESSAGE }).min(1, { error: TASK_LIST_MESSAGE }).optional(),
  name: z
    .string({ error: `"name" must be a non-empty string (the pipeline's name), not {value}` })
    .refine((name) => name.trim() !== '', { error: `"name" must be a non-empty string (the pipeline's name), not {value}` })
    .optional(),
  /**
   * With `tasks`: the pipeline file's header document as written. `execution: parallel` makes them a job group
   * (all tasks at once, each on its own cluster) with its `primary_tasks` and `termination_delay`.
   */
  header: z
    .record(z.string(), z.unknown(), { error: '"header" must be the header document as an object (name, execution, ...), not {value}' })
    .optional()
    .meta({ description: "With 'tasks': the file's header document (name, execution: parallel for a job group, primary_tasks, termination_delay)." }),
});

/**
 * `POST /v1/jobs`: a launch body without `dryrun` and `autostop` (a managed job has neither), plus the pipeline's
 * fields. `envs` and `secrets` apply to every task.
 */
export const ManagedJobBodySchema = LaunchRequestBodySchema.omit({ task: true, dryrun: true, autostop: true })
  .extend(PipelineFieldsSchema.shape)
  .meta({ description: "A launch body (LaunchRequestBody; 'task' may be a multi-document YAML pipeline), or 'tasks' run in order with 'name' naming the pipeline." });
/** What `libs/client` sends. */
export type ManagedJobRequestBody = z.input<typeof ManagedJobBodySchema>;

/** The answer to `POST /v1/jobs`. */
export const ManagedJobAcceptedSchema = z.object({ id: z.number().int(), name: z.string().nullable(), status });
export type ManagedJobAccepted = z.infer<typeof ManagedJobAcceptedSchema>;

const CANCEL_MESSAGE = 'the body must be {"ids": [<managed job id>, ...]} or {"all": true}, not {value}';

/** `POST /v1/jobs/cancel` (`skyport jobs cancel ID… | -a`): `ids`, or `all: true`. */
export const ManagedJobsCancelBodySchema = z.union(
  [z.object({ all: z.literal(true) }), z.object({ ids: z.array(z.number().int()) })],
  { error: CANCEL_MESSAGE },
);
export type ManagedJobsCancelBody = z.infer<typeof ManagedJobsCancelBodySchema>;

/** The answer to a cancel: the jobs that will be (or were already being) cancelled. */
export const ManagedJobsCancelledSchema = z.object({ cancelled: z.array(z.number().int()) });
export type ManagedJobsCancelled = z.infer<typeof ManagedJobsCancelledSchema>;
