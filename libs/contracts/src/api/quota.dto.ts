import { z } from 'zod';
import { isoTime, uuidText } from './answer-fields';

/** `PUT /v1/teams/:team/quota`, declared as in launch.dto.ts. */

const LIMIT_MESSAGE = '"{field}" must be a number ≥ 0, or null for no limit; not {value}';
const amount = () => z.number({ error: LIMIT_MESSAGE }).min(0, { error: LIMIT_MESSAGE }).max(1e9, { error: LIMIT_MESSAGE });

/** Every limit is null (or absent) for none; the fields are in the order the api checks them. */
export const QuotaBodySchema = z
  .strictObject(
    {
      maxGpus: z
        .record(z.string(), amount().nullable().transform((n) => n ?? 0), { error: '"maxGpus" must map accelerator names (or "*") to counts, not {value}' })
        .nullish(),
      maxClusters: amount().int({ error: '"maxClusters" must be a whole number, not {value}' }).nullish(),
      maxCpus: amount().nullish(),
      maxMemoryGb: amount().nullish(),
      maxStorageGb: amount().nullish().meta({ description: 'GiB of volumes (skyport volumes apply) the team may hold at once.' }),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${issue.keys.join(', ')}; a quota has maxCpus, maxMemoryGb, maxGpus, maxClusters, maxStorageGb`
          : 'the request body must be a JSON object',
    },
  )
  .meta({ description: 'null (or absent) means no limit. maxGpus maps accelerator names, or "*" for all GPUs, to counts.' });
/** What the api reads (a null GPU count is 0). */
export type QuotaBody = z.infer<typeof QuotaBodySchema>;
/** What a client sends. */
export type QuotaBodyInput = z.input<typeof QuotaBodySchema>;

/** A team's quota as the api answers it (null: no limit). */
export const QuotaViewSchema = z.object({
  maxCpus: z.number().nullable(),
  maxMemoryGb: z.number().nullable(),
  maxGpus: z.record(z.string(), z.number()).nullable(),
  maxClusters: z.number().int().nullable(),
  /** GiB of volumes (`skyport volumes apply`) the team may hold at once; absent or null: no limit. */
  maxStorageGb: z.number().nullable().optional(),
});
export type QuotaView = z.infer<typeof QuotaViewSchema>;

/** A launch waiting for its team's quota (`GET /v1/queue`, `skyport queue`). */
export const QueueEntryViewSchema = z.object({
  requestId: uuidText(),
  clusterName: z.string(),
  team: z.string(),
  priority: z.number().int(),
  /** 1 = next to launch in its team. */
  position: z.number().int().min(1),
  reason: z.string().nullable(),
  enqueuedAt: isoTime(),
  /** What it will hold (its `launch_queue.demand`). */
  demand: z.object({ cpus: z.number(), memoryGb: z.number(), gpus: z.record(z.string(), z.number()), clusters: z.number() }),
});
export type QueueEntryView = z.infer<typeof QueueEntryViewSchema>;
