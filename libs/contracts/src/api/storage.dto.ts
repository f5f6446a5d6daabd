import { z } from 'zod';
import { isoTime } from './answer-fields';

/** `/v1/storage`'s answers, declared as in launch.dto.ts. */

/** `GET /v1/storage`: a bucket Skyport created for a task's named storage (SkyPilot's `sky storage ls`). */
export const StorageViewSchema = z.object({
  name: z.string(),
  // store and status are text columns of storage_buckets: their values are documented, not typed.
  /** `s3`. */
  store: z.string().meta({ enum: ['s3'] }),
  /** `READY`, or `DELETING` after `storage delete` until the provisioner removed the bucket. */
  status: z.string().meta({ enum: ['READY', 'DELETING'] }),
  /** False: deleted with the cluster that created it. */
  persistent: z.boolean(),
  /** The cluster whose launch created it. */
  clusterName: z.string().nullable().meta({ description: 'The cluster whose launch created the bucket.' }),
  team: z.string().nullable(),
  ownerName: z.string().nullable(),
  /** Live clusters whose task mounts it. */
  usedBy: z.array(z.string()).meta({ description: 'Live clusters whose task mounts the bucket.' }),
  createdAt: isoTime(),
});
export type StorageView = z.infer<typeof StorageViewSchema>;

/** `DELETE /v1/storage/:name`: accepted; the provisioner empties and deletes the bucket shortly. */
export const StorageDeletedSchema = z.object({ name: z.string(), status: z.literal('DELETING') });
export type StorageDeleted = z.infer<typeof StorageDeletedSchema>;
