import { z } from '@skyport/service-kit';

/** Before authentication every call counts against its client address; calls that fail auth against a smaller one. */
export const rateLimitConfigShape = {
  /** Calls per client address per window, whoever they claim to be (a ceiling for one host's whole traffic). */
  SKYPORT_API_RATE_LIMIT_ADDRESS: z.coerce.number().int().positive().default(6000),
  /** Calls that fail authentication (none, bogus or revoked token) per client address per window. */
  SKYPORT_API_RATE_LIMIT_UNAUTHENTICATED: z.coerce.number().int().positive().default(60),
};
