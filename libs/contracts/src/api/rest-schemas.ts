import type { z } from 'zod';
import { AutostopAnswerSchema, AutostopBodySchema, CancelAcceptedSchema, CancelBodySchema, DownAcceptedSchema, DownBodySchema, PowerAcceptedSchema } from './cluster-actions.dto';
import { LaunchAcceptedSchema, LaunchRequestBodySchema, TaskOverridesSchema } from './launch.dto';
import { QuotaBodySchema } from './quota.dto';

/**
 * The REST schemas by their OpenAPI component name: the api's document generates `components.schemas` from this
 * list (a schema used inside another one becomes a `$ref` to its entry here), so a body or answer declared with
 * zod is documented by adding it once, here.
 */
export const REST_SCHEMAS = {
  TaskOverrides: TaskOverridesSchema,
  LaunchRequestBody: LaunchRequestBodySchema,
  LaunchAccepted: LaunchAcceptedSchema,
  CancelBody: CancelBodySchema,
  CancelAccepted: CancelAcceptedSchema,
  DownBody: DownBodySchema,
  DownAccepted: DownAcceptedSchema,
  PowerAccepted: PowerAcceptedSchema,
  AutostopBody: AutostopBodySchema,
  AutostopAnswer: AutostopAnswerSchema,
  QuotaBody: QuotaBodySchema,
} satisfies Record<string, z.ZodType>;
