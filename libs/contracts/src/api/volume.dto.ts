import { z } from 'zod';
import { isoTime } from './answer-fields';

/** `/v1/volumes`' answers, declared as in launch.dto.ts (the body is SkyPilot's volume document, read by libs/task-spec). */

/** A volume as `GET /v1/volumes` and `skyport volumes ls` show it. */
export const VolumeViewSchema = z.object({
  name: z.string(),
  type: z.literal('k8s-pvc'),
  /** `kubernetes/<context>`. */
  infra: z.string(),
  context: z.string(),
  namespace: z.string(),
  /** Kubernetes quantity (`10Gi`); null for an existing claim whose size is unknown. */
  size: z.string().nullable(),
  sizeGb: z.number().nullable(),
  storageClassName: z.string().nullable(),
  accessMode: z.string(),
  /** `use_existing: true`: Skyport records the claim and never deletes it. */
  useExisting: z.boolean(),
  /** Declared in a task with a size: made with its cluster and deleted with it (not through `volumes delete`). */
  ephemeral: z.boolean().meta({ description: 'Declared in a task with a size: made and deleted with its cluster.' }),
  /** The claim's phase when it was applied (`Pending`, `Bound`). */
  phase: z.string(),
  team: z.string().nullable(),
  ownerName: z.string().nullable(),
  /** Live clusters whose task mounts this volume. */
  usedBy: z.array(z.string()).meta({ description: 'Live clusters that mount the volume.' }),
  createdAt: isoTime(),
});
export type VolumeView = z.infer<typeof VolumeViewSchema>;

/** `DELETE /v1/volumes/:name`. */
export const VolumeDeletedSchema = z.object({ name: z.string(), deleted: z.literal(true) });
export type VolumeDeleted = z.infer<typeof VolumeDeletedSchema>;
