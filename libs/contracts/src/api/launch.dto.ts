import { z } from 'zod';

/**
 * REST bodies are zod schemas (declared once, here): the api reads a body with its schema (`readRestBody`), the
 * OpenAPI document is generated from it, and the TypeScript type `libs/client` sends is inferred from it. A field's
 * message is its `error` (`{field}`/`{value}`: see rest-body.ts).
 */

/** Resource overrides given on the command line (`--cpus`, `--gpus`, ...); they win over the task file. */
export const TaskOverridesSchema = z.object({
  cpus: z.string().optional(),
  memory: z.string().optional(),
  gpus: z.string().optional(),
  numNodes: z.number().int().min(1).optional(),
  imageId: z.string().optional(),
  infra: z.string().optional(),
  useSpot: z.boolean().optional(),
  /** `-n/--name`: the task's name (the job's name in `queue`). */
  name: z.string().optional().meta({ description: '`-n/--name`: the task name (SkyPilot task name rules).' }),
  /** `--ports` (repeatable): added to every resource choice's `ports` (`8080`, `'8000-8010'`, `'80,443'`). */
  ports: z.array(z.string().meta({ description: "'8080', '8000-8010' or '80,443'" })).optional().meta({ description: '`--ports`: added to every resource choice.' }),
  /** `--instance-type`: a cloud instance type, or on Kubernetes the pod shape `4CPU--16GB[--A100:1]`. */
  instanceType: z.string().optional().meta({ description: "`--instance-type`: a cloud instance type, or on Kubernetes the pod shape '4CPU--16GB'." }),
  /** `--no-setup`: the task's `setup` is not run. */
  noSetup: z.boolean().optional().meta({ description: "`--no-setup`: the task's setup is not run." }),
});
export type TaskOverrides = z.infer<typeof TaskOverridesSchema>;

const AUTOSTOP_MESSAGE = '"autostop" must be {"idleMinutes": <minutes ≥ 0>, "down": <bool>}, not {value}';

/** `down` may be left out (false), as the api has always read it. */
export const AutostopSettingSchema = z.object(
  {
    idleMinutes: z.number({ error: AUTOSTOP_MESSAGE }).min(0, { error: AUTOSTOP_MESSAGE }),
    down: z.boolean({ error: AUTOSTOP_MESSAGE }).default(false),
  },
  { error: AUTOSTOP_MESSAGE },
);
export type AutostopSetting = z.infer<typeof AutostopSettingSchema>;

const flag = (name: string, description?: string) => {
  const schema = z.boolean({ error: `"${name}" must be true or false, not {value}` }).optional();
  return description ? schema.meta({ description }) : schema;
};
const stringMap = z.record(z.string(), z.string({ error: "'{field}' must be a string" }), { error: "'{field}' must be an object of strings" });
const PRIORITY_MESSAGE = '"priority" must be a whole number from -1000 to 1000 (higher launches first), not {value}';

/**
 * `POST /v1/clusters/:name/launch` and `POST /v1/clusters/:name/exec`. The fields are in the order the api checks
 * them (the first problem is the one answered); anything else in the body is refused.
 */
export const LaunchRequestBodySchema = z.strictObject(
  {
    /** The task as YAML text (as written by the user) or as an already-parsed object. */
    task: z.union(
      [z.string().meta({ description: 'The task YAML as written.' }), z.record(z.string(), z.unknown()).meta({ description: 'The task as an object.' })],
      { error: '"task" is required: the task YAML as a string, or the task as an object' },
    ),
    autostop: AutostopSettingSchema.optional(),
    /** Plan only: answer with the considered-resources table, launch nothing. */
    dryrun: flag('dryrun'),
    /** Do not fail over to another context or cloud; wait for capacity instead. */
    noBurst: flag('noBurst'),
    /**
     * `-r/--retry-until-up`: never fail for lack of capacity; keep planning again (every few seconds) until some
     * candidate — the next context or a cloud included, unlike `noBurst` — comes up.
     */
    retryUntilUp: flag('retryUntilUp', '`-r/--retry-until-up`: wait and plan again (failover included) instead of failing when no candidate has capacity.'),
    overrides: TaskOverridesSchema.optional(),
    /** `--env K=V`: fills or overrides `envs`. */
    envs: stringMap.optional(),
    /** `--secret K=V`: fills or overrides `secrets`; never echoed back. */
    secrets: stringMap.optional().meta({ description: 'Values are stored apart and never returned.' }),
    /** Order in the team's launch queue while its quota is full: higher first, -1000 to 1000 (0 when unset; null is unset). */
    priority: z
      .number({ error: PRIORITY_MESSAGE })
      .int({ error: PRIORITY_MESSAGE })
      .min(-1000, { error: PRIORITY_MESSAGE })
      .max(1000, { error: PRIORITY_MESSAGE })
      .nullish()
      .transform((p) => p ?? undefined)
      .optional()
      .meta({ description: "Order in the team's queue: higher first." }),
    /** Refuse (409) instead of waiting in the queue when the team's quota is full. */
    failFast: flag('failFast', "Refuse (409) instead of waiting when the team's quota is full."),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) in the request body: ${issue.keys.join(', ')}`
        : 'the request body must be a JSON object with a "task" field',
  },
);
/** What the api reads (and `libs/client` sends): `autostop.down` filled in, a null `priority` left out. */
export type LaunchRequestBody = z.infer<typeof LaunchRequestBodySchema>;

/** Every field of a launch body, the one list the api's reader allows (anything else is refused). */
export const LAUNCH_BODY_FIELDS = Object.keys(LaunchRequestBodySchema.shape) as ReadonlyArray<keyof LaunchRequestBody>;

/** The 202 of a launch or exec; `queued` while the team's quota is full. */
export const LaunchAcceptedSchema = z.object({
  requestId: z.uuid(),
  clusterName: z.string(),
  jobId: z.number().int().optional(),
  queued: z.object({ position: z.number().int().min(1), reason: z.string() }).optional(),
});
export type LaunchAccepted = z.infer<typeof LaunchAcceptedSchema>;
