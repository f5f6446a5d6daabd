import { z } from 'zod';
import { ErrorCode } from '../errors/error-codes';

/**
 * The body of every error response: `message` is for people, `code` for programs. Declared here rather than beside
 * ErrorCode so that the errors module (which the dashboard bundles) stays free of zod.
 */
export const ErrorBodySchema = z.object({
  code: z.enum(ErrorCode).meta({ description: 'For programs.' }),
  message: z.string().meta({ description: 'For people: what went wrong and what to do.' }),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
