import type { z } from 'zod';
import { LaunchAcceptedSchema, LaunchRequestBodySchema, TaskOverridesSchema } from './launch.dto';

/**
 * The REST schemas by their OpenAPI component name: the api's document generates `components.schemas` from this
 * list (a schema used inside another one becomes a `$ref` to its entry here), so a body or answer declared with
 * zod is documented by adding it once, here.
 */
export const REST_SCHEMAS = {
  TaskOverrides: TaskOverridesSchema,
  LaunchRequestBody: LaunchRequestBodySchema,
  LaunchAccepted: LaunchAcceptedSchema,
} satisfies Record<string, z.ZodType>;
