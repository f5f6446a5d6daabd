import { z } from 'zod';

/** Bodies and answers of a cluster's actions (cancel, down, stop/start, autostop), declared as in launch.dto.ts. */

const JOB_IDS_MESSAGE = '"jobIds" must be a list of job ids (whole numbers ≥ 1), not {value}';
const jobId = z
  .number({ error: JOB_IDS_MESSAGE })
  .int({ error: JOB_IDS_MESSAGE })
  .min(1, { error: JOB_IDS_MESSAGE })
  .max(2_147_483_647, { error: JOB_IDS_MESSAGE });

/** `POST /v1/clusters/:name/jobs/cancel`: name jobs with `jobIds`, or cancel every unfinished job with `all: true`. */
export const CancelBodySchema = z
  .strictObject(
    {
      all: z.boolean({ error: '"all" must be true or false, not {value}' }).default(false),
      jobIds: z.array(jobId, { error: JOB_IDS_MESSAGE }).max(1000, { error: '"jobIds" may name at most 1000 jobs' }).optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${issue.keys.join(', ')}; use "jobIds" or "all"`
          : 'the request body must be {"jobIds": [1, 2]} or {"all": true}',
    },
  )
  .refine((body) => body.all || (body.jobIds?.length ?? 0) > 0, { error: 'name the jobs to cancel with "jobIds", or cancel every unfinished job with "all": true' })
  .meta({ description: 'Name jobs with jobIds, or cancel every unfinished job with all: true.' });
/** What the api reads (`all` filled in). */
export type CancelBody = z.infer<typeof CancelBodySchema>;
/** What a client sends. */
export type CancelBodyInput = z.input<typeof CancelBodySchema>;

const requestId = z.uuid();

export const CancelAcceptedSchema = z.object({
  requestId,
  clusterName: z.string(),
  /** The jobs asked to stop (finished ones are left out). */
  cancelled: z.array(z.number().int()),
});
export type CancelAccepted = z.infer<typeof CancelAcceptedSchema>;

/** `POST /v1/clusters/:name/down`: empty, or `{"purge": true|false}`. */
export const DownBodySchema = z.strictObject(
  { purge: z.boolean({ error: 'the body of a down request is empty or {"purge": true|false}, not {value}' }).optional() },
  { error: 'the body of a down request is empty or {"purge": true|false}' },
);
export type DownBody = z.infer<typeof DownBodySchema>;

export const DownAcceptedSchema = z.object({
  requestId,
  clusterName: z.string(),
  /** `tearing-down`: queued to the provisioner; `cancelled`: it never started (its launch was still queued). */
  outcome: z.enum(['tearing-down', 'cancelled']),
});
export type DownAccepted = z.infer<typeof DownAcceptedSchema>;

/** `POST /v1/clusters/:name/stop|start`: handed to the provisioner; follow the request for the outcome. */
export const PowerAcceptedSchema = z.object({ requestId, clusterName: z.string(), outcome: z.enum(['stopping', 'starting']) });
export type PowerAccepted = z.infer<typeof PowerAcceptedSchema>;

/** A year: the longest idle time autostop takes. */
export const MAX_AUTOSTOP_MINUTES = 60 * 24 * 365;
const IDLE_MESSAGE = `"idleMinutes" must be a whole number of minutes from 0 to ${MAX_AUTOSTOP_MINUTES}, or -1 to turn autostop off; not {value}`;

/** `POST /v1/clusters/:name/autostop` (`skyport autostop NAME -i N [--down]`; -1 turns it off). */
export const AutostopBodySchema = z.strictObject(
  {
    idleMinutes: z
      .number({ error: IDLE_MESSAGE })
      .int({ error: IDLE_MESSAGE })
      .min(-1, { error: IDLE_MESSAGE })
      .max(MAX_AUTOSTOP_MINUTES, { error: IDLE_MESSAGE })
      .meta({ description: 'Minutes of idleness before the cluster stops (or is torn down); -1 turns autostop off.' }),
    down: z.boolean({ error: '"down" must be true or false, not {value}' }).default(false),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}; use "idleMinutes" and "down"`
        : 'the request body must be {"idleMinutes": N, "down": true|false} (idleMinutes -1 turns autostop off)',
  },
);
/** What the api reads (`down` filled in). */
export type AutostopBody = z.infer<typeof AutostopBodySchema>;
/** What a client sends (`down` may be left out). */
export type AutostopBodyInput = z.input<typeof AutostopBodySchema>;

export const AutostopAnswerSchema = z.object({
  clusterName: z.string(),
  autostop: z.object({ idleMinutes: z.number(), down: z.boolean() }).nullable(),
  /** Set when the setting means something else than asked (Kubernetes clusters are torn down, not stopped). */
  note: z.string().optional(),
});
export type AutostopAnswer = z.infer<typeof AutostopAnswerSchema>;
